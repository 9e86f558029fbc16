"""How long this process has run, to the hundredth of a second (the app's "Launch to first frame").

``psutil.Process().create_time()`` adds the process's start, in clock ticks since boot, to the boot time,
which Linux gives in whole seconds (``btime`` in ``/proc/stat``): an age computed from it is off by a
constant fraction of a second, up to a whole one. On Linux the age is therefore taken from ``/proc`` alone
(the system's uptime less the process's start, both since boot); elsewhere from psutil (Windows and macOS
give the creation time itself).
"""

from __future__ import annotations

import os
import time

__all__ = ["process_age_s"]


def process_age_s() -> float:
    """Seconds since this process was created (≥ 0)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            # the fields after the command name, which is in parentheses and may hold spaces or ")"
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return max(uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"), 0.0)
    except (OSError, ValueError, IndexError, AttributeError):
        import psutil

        return max(time.time() - psutil.Process().create_time(), 0.0)
