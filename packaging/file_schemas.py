#!/usr/bin/env python3
"""Write the JSON schemas of the project file (docs/project.schema.json) and of the review session file
(docs/review-session.schema.json) from their pydantic models, so that the published schemas cannot drift
from the code (tests compare them).

    python packaging/file_schemas.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ydtwin.model.project import project_json_schema  # noqa: E402
from ydtwin.review.session import session_json_schema  # noqa: E402

#: file in docs/ → the function that makes its schema
SCHEMAS = {"project.schema.json": project_json_schema, "review-session.schema.json": session_json_schema}


def text(name: str) -> str:
    """The content ``docs/<name>`` must have."""
    return json.dumps(SCHEMAS[name](), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    for name in SCHEMAS:
        target = ROOT / "docs" / name
        target.write_text(text(name), encoding="utf-8", newline="\n")
        print(f"wrote {target.relative_to(ROOT)}")
