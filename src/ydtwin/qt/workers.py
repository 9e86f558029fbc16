"""Work off the UI thread: Python worker threads whose results come back as queued signals on the UI thread.

Readers and mesh preparation are numpy/numba/pyproj/GDAL code that releases the GIL for its heavy parts,
so the UI thread keeps turning while they run. The workers are Python threads (concurrent.futures), not
QThreadPool threads: pyproj's per-thread PROJ contexts crash in threads Python did not start itself.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QObject, pyqtSignal

log = logging.getLogger("ydtwin")


class _Relay(QObject):
    """Lives on the UI thread; worker threads emit, the UI thread runs the callbacks (queued connections)."""

    finished = pyqtSignal(object, object)  # callback, result
    failed = pyqtSignal(object, object)  # callback, exception
    progressed = pyqtSignal(object, int, int)  # callback, done, total (-1: unknown)


class BackgroundRunner(QObject):
    """``run(work, done, error=None)``: ``work()`` in a worker thread, ``done(result)`` / ``error(exc)`` on the
    UI thread. Failures come back as values; nothing is raised into Qt's event loop."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int | None = None) -> None:
        super().__init__(parent)
        if max_threads is None:  # every core but one: the UI thread and the GL driver's threads keep one
            max_threads = max(1, min(4, (os.cpu_count() or 2) - 1))
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=max_threads,
                                                               thread_name_prefix="ydtwin-worker")
        self._futures: set[concurrent.futures.Future] = set()
        self.relay = _Relay(self)
        self.relay.finished.connect(lambda cb, result: cb(result) if cb else None)
        self.relay.failed.connect(self._failed)
        self.relay.progressed.connect(lambda cb, done, total: cb(done, total) if cb else None)

    def run(self, work: Callable[[], object], done: Callable[[object], None] | None = None,
            error: Callable[[BaseException], None] | None = None) -> None:
        def task() -> None:  # worker thread
            _leave_a_core_for_the_ui()
            _yield_to_the_ui()
            try:
                result = work()
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the UI as a value
                exc.__ydtwin_traceback__ = traceback.format_exc()
                self.relay.failed.emit(error, exc)
            else:
                self.relay.finished.emit(done, result)

        future = self._executor.submit(task)
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    def progress_relay(self, callback: Callable[[int, int], None]) -> Callable[[int, int | None], None]:
        """A thread-safe progress function for readers that forwards to ``callback`` on the UI thread."""
        return lambda done, total: self.relay.progressed.emit(callback, int(done), -1 if total is None else int(total))

    def _failed(self, callback, exc: BaseException) -> None:
        if callback is not None:
            callback(exc)
        else:
            log.error("background work failed: %s", getattr(exc, "__ydtwin_traceback__", exc))

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for the running work (the results still arrive through the event loop)."""
        _done, pending = concurrent.futures.wait(list(self._futures), timeout=msecs / 1000)
        return not pending

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _leave_a_core_for_the_ui() -> None:
    """Compiled kernels in this worker use all cores but one (numba's thread count is per calling thread)."""
    try:
        import numba

        numba.set_num_threads(max(1, min(numba.config.NUMBA_NUM_THREADS, (os.cpu_count() or 2) - 1)))
    except Exception:  # numba not importable: nothing to limit
        pass


def _yield_to_the_ui() -> None:
    """Run this worker (and the threads it starts: GDAL, compiled kernels) below the UI thread's priority, so a
    frame or an event on the UI thread gets a core at once instead of sharing one with a reader."""
    try:
        if sys.platform.startswith("linux"):  # nice is per thread on Linux; new threads inherit it
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICE)
        elif sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetThreadPriority(kernel32.GetCurrentThread(), -1)  # THREAD_PRIORITY_BELOW_NORMAL
    except (OSError, AttributeError):  # not permitted or not available: same priority as the UI
        pass


#: how much lower than the UI thread the workers run (Linux nice increment)
WORKER_NICE = 10


class LoadJob:
    """Reading one building file in the background, with a cancel flag the reader polls between batches."""

    def __init__(self, path: str | Path, *, crs: str | None = None) -> None:
        self.path = Path(path)
        self.crs = crs
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()
