"""Joint review: cross-border interconnection checks, findings and review sessions.

Pure logic (no Qt, no VTK) over the cities' planned projects (``ydtwin.review.checks``); the rules are the
plugins' ``rules`` contributions (the built-in ones ship in ydtwin's built-in plugin).
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
