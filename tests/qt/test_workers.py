"""Background work: results and failures come back on the UI thread; workers yield the CPU to the UI."""

import gc
import os
import sys
import threading

import pytest


def test_results_and_failures_come_back_on_the_ui_thread(qtbot):
    from ydtwin.qt.workers import BackgroundRunner

    runner = BackgroundRunner()
    got = []
    runner.run(lambda: (threading.get_ident(), 42), lambda r: got.append(("done", r, threading.get_ident())))
    runner.run(lambda: 1 / 0, None, lambda exc: got.append(("error", type(exc).__name__, threading.get_ident())))
    qtbot.waitUntil(lambda: len(got) == 2, timeout=10_000)
    ui = threading.get_ident()
    done = next(g for g in got if g[0] == "done")
    error = next(g for g in got if g[0] == "error")
    assert done[1][0] != ui and done[1][1] == 42 and done[2] == ui
    assert error[1] == "ZeroDivisionError" and error[2] == ui
    runner.shutdown()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are a Linux feature")
def test_workers_run_below_the_ui_threads_priority(qtbot):
    from ydtwin.qt.workers import WORKER_NICE, BackgroundRunner

    runner = BackgroundRunner()
    got = []

    def work():
        inner = []
        t = threading.Thread(target=lambda: inner.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        t.start()
        t.join()
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), inner[0]

    runner.run(work, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    ui = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    worker, started_by_worker = got[0]
    assert worker == min(19, ui + WORKER_NICE)
    assert started_by_worker == worker  # threads a reader starts (GDAL, kernels) inherit it
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == ui  # the UI thread is untouched
    runner.shutdown()


def test_settle_heap_freezes_what_is_alive_and_the_interpreter_switches_fast():
    from ydtwin.qt.support import GIL_SWITCH_INTERVAL_S, settle_heap, share_the_interpreter

    before_interval = sys.getswitchinterval()
    alive = [object() for _ in range(10)]
    try:
        settle_heap()
        assert gc.get_freeze_count() >= len(alive)
        share_the_interpreter()
        assert sys.getswitchinterval() == pytest.approx(GIL_SWITCH_INTERVAL_S)
    finally:
        gc.unfreeze()
        sys.setswitchinterval(before_interval)


def test_deferred_pieces_run_one_per_turn_and_apart_from_frames(qtbot):
    import time

    from PyQt6.QtCore import QObject

    from ydtwin.qt.support import FrameSeparatedQueue

    owner = QObject()
    state = {"frame": False}
    queue = FrameSeparatedQueue(owner, lambda: state["frame"])
    ran = []
    for k in range(3):
        queue.defer(lambda k=k: ran.append((k, time.perf_counter())))
    qtbot.waitUntil(lambda: len(ran) == 3, timeout=5_000)
    assert [k for k, _t in ran] == [0, 1, 2]
    # one piece per turn, a gap between them
    assert all(b[1] - a[1] >= FrameSeparatedQueue.GAP_MS / 1000 * 0.8 for a, b in zip(ran, ran[1:], strict=False))

    # a frame is pending: the piece waits for it, then runs a gap after it
    state["frame"] = True
    queue.defer(lambda: ran.append(("after frame", time.perf_counter())))
    qtbot.wait(60)
    assert len(ran) == 3
    state["frame"] = False
    painted = time.perf_counter()
    queue.frame_done()
    qtbot.waitUntil(lambda: len(ran) == 4, timeout=5_000)
    assert ran[3][1] - painted >= FrameSeparatedQueue.GAP_MS / 1000 * 0.8

    # a frame that never comes (hidden window) holds the work back only so long
    state["frame"] = True
    start = time.perf_counter()
    queue.defer(lambda: ran.append(("no frame", time.perf_counter())))
    qtbot.waitUntil(lambda: len(ran) == 5, timeout=5_000)
    assert FrameSeparatedQueue.FRAME_WAIT_S * 0.8 <= ran[4][1] - start < 2.0

    queue.defer(lambda: ran.append("dropped"))
    queue.clear()
    qtbot.wait(50)
    assert len(ran) == 5
