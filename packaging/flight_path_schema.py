#!/usr/bin/env python3
"""Write the flight path's JSON schema (docs/flight-path.schema.json) from the pydantic model, so that the
published schema cannot drift from the code (a test compares them).

    python packaging/flight_path_schema.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ydtwin.flythrough.path import json_schema  # noqa: E402

TARGET = ROOT / "docs" / "flight-path.schema.json"


def text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    TARGET.write_text(text(), encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
