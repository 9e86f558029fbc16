"""Joint review: cross-border interconnection checks, findings and review sessions.

Pure logic (no Qt, no VTK) over the cities' planned projects; the review UI sits in ``ydtwin.qt`` on
top of it. The checks arrive with the plugin engine that supplies the projects.
"""

#: the kinds of finding a cross-border check can report (the public vocabulary of findings.json)
FINDING_KINDS = (
    "connected",
    "offset",
    "dangling",
    "class_mismatch",
    "grade_mismatch",
    "phase_mismatch",
    "datum_suspect",
    "conflict",
)

__all__ = ["FINDING_KINDS"]
