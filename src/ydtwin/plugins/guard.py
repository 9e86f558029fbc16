"""The one boundary every call into plugin code goes through, the import of its modules included.

``Guard.call(plugin, what, fn, *args)`` runs plugin code and turns whatever it does wrong into a value the
app can show: an exception becomes one ``PluginFailure`` line (and a traceback in the log), a call that
does not return within its time limit is abandoned (the thread is left to finish on its own: Python
cannot stop a thread) and the plugin is disabled at once; after ``MAX_FAILURES`` failures a plugin is
disabled. ``SystemExit`` (``sys.exit`` in a plugin), a ``KeyboardInterrupt`` a plugin raises and any other
``BaseException`` are failures like the rest: plugin code never ends the process. The user's own Ctrl+C
still stops the app: it is delivered to the main thread, never to the worker thread a plugin runs in, and
a call run in the caller's thread (no time limit) lets a ``KeyboardInterrupt`` through because there it
cannot be told from the user's.

``Guard.resolve`` imports a plugin's module in a worker thread with ``import_timeout_s``: a module that
loops or blocks at import is abandoned like a call. This is fault isolation, not a sandbox: plugin code
runs in the app's process with the user's rights (which is why code plugins need the user's trust first),
and an abandoned thread stuck in a loop keeps running, using a CPU core, until the process ends.
"""

from __future__ import annotations

import importlib
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from ydtwin.errors import YdtwinError
from ydtwin.plugins.limits import one_line

__all__ = ["IMPORT_TIMEOUT_S", "MAX_FAILURES", "Guard", "PluginDisabled", "PluginFailure", "resolve"]

log = logging.getLogger("ydtwin.plugins")

#: failures after which a plugin is disabled for the rest of the session
MAX_FAILURES = 3
#: seconds the import of a plugin's module may take before it is abandoned and the plugin disabled
IMPORT_TIMEOUT_S = 60.0
#: the longest problem text kept in a failure line
MAX_PROBLEM_CHARS = 400


class PluginFailure(YdtwinError):
    """A call into a plugin failed (raised, returned something unusable, or ran out of time)."""

    def __init__(self, plugin: str, what: str, problem: str) -> None:
        self.plugin, self.what, self.problem = plugin, what, problem
        super().__init__(one_line(f"plugin {plugin}: {what}: {problem}", 2 * MAX_PROBLEM_CHARS))


class PluginDisabled(PluginFailure):
    """The plugin is disabled (by the user, by safe mode, for lack of trust, or after failures)."""


def resolve(ref: str):
    """``"package.module:attr.sub"`` → the object (imports the module)."""
    module_name, _, attr = ref.partition(":")
    obj = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass
class _Record:
    failures: int = 0
    disabled_reason: str = ""
    messages: list[str] = field(default_factory=list)


class Guard:
    """Guarded calls, failure counts and the disabled set. ``on_failure(plugin, message)`` reports (the app
    shows it in its log panel); ``on_disable(plugin, reason)`` lets the manager dispose the plugin's
    registrations."""

    def __init__(self, *, on_failure: Callable[[str, str], None] | None = None,
                 on_disable: Callable[[str, str], None] | None = None,
                 import_timeout_s: float = IMPORT_TIMEOUT_S) -> None:
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()
        self.on_failure = on_failure
        self.on_disable = on_disable
        #: seconds a plugin module's import may take (``resolve``)
        self.import_timeout_s = import_timeout_s

    def record(self, plugin: str) -> _Record:
        with self._lock:
            return self._records.setdefault(plugin, _Record())

    def failures(self, plugin: str) -> int:
        return self.record(plugin).failures

    def disabled_reason(self, plugin: str) -> str:
        return self.record(plugin).disabled_reason

    def disable(self, plugin: str, reason: str) -> None:
        rec = self.record(plugin)
        if rec.disabled_reason:
            return
        rec.disabled_reason = reason
        log.warning("plugin %s disabled: %s", plugin, reason)
        if self.on_disable is not None:
            self.on_disable(plugin, reason)

    def enable(self, plugin: str) -> None:
        """Give a plugin another chance (the user re-enabled it)."""
        with self._lock:
            self._records[plugin] = _Record()

    def resolve(self, plugin: str, ref: str, *, inline: bool = False):
        """Import ``ref`` on first use, through the guard: in a worker thread with ``import_timeout_s`` (a
        module that loops at import is abandoned and its plugin disabled; one that calls ``sys.exit`` is a
        failure). ``inline``: in the caller's thread, for ydtwin's own modules."""
        return self.call(plugin, f"import {ref}", resolve, ref, timeout=None if inline else self.import_timeout_s)

    def call(self, plugin: str, what: str, fn: Callable, *args, timeout: float | None = None,
             passthrough: tuple[type[BaseException], ...] = (), **kwargs):
        """``fn(*args, **kwargs)`` for ``plugin``; returns its result or raises ``PluginFailure``.

        With ``timeout`` (seconds) the call runs in a worker thread; past the limit it is abandoned and
        the plugin disabled (a plugin that loops forever must not freeze the caller). Exceptions of the
        ``passthrough`` types are the plugin's way of answering (a reader's ``ReadError`` for a bad file, a
        cancelled read): they reach the caller unchanged and do not count as failures.
        """
        rec = self.record(plugin)
        if rec.disabled_reason:
            raise PluginDisabled(plugin, what, f"disabled ({rec.disabled_reason})")
        if timeout is None:
            try:
                return fn(*args, **kwargs)
            except passthrough:
                raise
            except KeyboardInterrupt:  # in the caller's thread it may be the user's Ctrl+C: it stops the app
                raise
            except BaseException as exc:  # noqa: BLE001 - plugin code: every failure (sys.exit too) becomes a value
                self._failed(plugin, what, exc, _traceback())
        result: list = []
        error: list = []

        def run() -> None:
            try:
                result.append(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - sys.exit, KeyboardInterrupt raised by the plugin: values
                error.append((exc, _traceback()))

        worker = threading.Thread(target=run, name=f"plugin-{plugin}", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            problem = f"did not finish within {timeout:g} s (abandoned; the plugin is disabled)"
            self._report(plugin, what, problem, "")
            self.disable(plugin, f"{what} did not finish within {timeout:g} s")
            raise PluginFailure(plugin, what, problem)
        if error:
            if isinstance(error[0][0], passthrough):
                raise error[0][0]
            self._failed(plugin, what, *error[0])
        return result[0]

    def _failed(self, plugin: str, what: str, exc: BaseException, tb: str) -> None:
        problem = _describe(exc)
        self._report(plugin, what, problem, tb)
        rec = self.record(plugin)
        if rec.failures >= MAX_FAILURES:
            self.disable(plugin, f"{rec.failures} failures, the last: {problem}")
        raise PluginFailure(plugin, what, problem) from None

    def _report(self, plugin: str, what: str, problem: str, tb: str) -> None:
        rec = self.record(plugin)
        with self._lock:
            rec.failures += 1
            rec.messages.append(f"{what}: {problem}")
        log.error("plugin %s: %s: %s%s", plugin, what, problem, f"\n{tb}" if tb else "")
        if self.on_failure is not None:
            try:
                self.on_failure(plugin, f"{what}: {problem}")
            except Exception:  # a reporting hook must not turn a plugin failure into an app failure
                log.exception("reporting a plugin failure failed")


def _traceback() -> str:
    try:
        return traceback.format_exc()
    except Exception:  # noqa: BLE001 - an exception whose text cannot be made still fails as one line
        return ""


def _describe(exc: BaseException) -> str:
    """One line for what a plugin did wrong (its exception's text may be anything, or may itself fail)."""
    if isinstance(exc, PluginFailure):
        return exc.problem
    name = type(exc).__name__
    try:
        if isinstance(exc, SystemExit):
            text = f"called sys.exit({exc.code!r}); a plugin cannot end the app"
        else:
            text = str(exc)
    except Exception:  # noqa: BLE001
        text = ""
    return one_line(f"{name}: {text}" if text else name, MAX_PROBLEM_CHARS)
