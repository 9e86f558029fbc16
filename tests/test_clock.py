"""The process's age, as the launch figure uses it."""

import subprocess
import sys
import time

import psutil

from ydtwin.clock import process_age_s


def test_a_fresh_process_is_young():
    """A process that reports its age at once is younger than the time it took to run it, and the figure has
    no whole-second error (psutil's creation time can have one on Linux)."""
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", "from ydtwin.clock import process_age_s; print(process_age_s())"],
                         capture_output=True, text=True, check=True)
    wall = time.time() - t0
    age = float(out.stdout)
    assert 0.0 <= age <= wall + 0.02


def test_age_grows_with_the_clock():
    a = process_age_s()
    time.sleep(0.3)
    b = process_age_s()
    assert 0.2 <= b - a <= 1.0
    # within a second of psutil's figure, which is right to the second
    assert abs(a - (time.time() - psutil.Process().create_time())) < 1.5
