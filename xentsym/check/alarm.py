"""Symbolic checks run in this process under an interval timer, for job processes that a
watchdog can kill.

A job of ``verify --jobs`` is a forked process of its own, so the symbolic check of a step
can run in it directly: no second process, no pickling of the sides, and one SymPy cache for
both checks. The deadline is kept twice. An interval timer raises in the check (SymPy is
Python, and the signal is handled between bytecodes); and the job posts the deadline, plus
a grace, where the parent's watchdog reads it (``pool.watch``), so a check stuck where no
signal reaches, in a long C call, ends with the job. A job whose check the timer stopped
leaves after its current item (``pool.retire``): the next one starts from a clean state.
"""
from __future__ import annotations

import signal
import time
from typing import Any, Callable

from .worker import cap_memory, run_task

GRACE = 2.0  # seconds past the deadline before the watchdog ends the job


class _Deadline(BaseException):
    """Raised by the timer; a BaseException, so no ``except Exception`` in a check keeps it."""


def _expire(signum, frame):
    raise _Deadline


_CAPPED = False


class InProcess:
    """The ``Worker`` interface, with the task run here when its result is asked for."""

    def __init__(self, watch: Callable[[float], None] | None = None,
                 retire: Callable[[], None] | None = None):
        global _CAPPED
        if not _CAPPED:  # the job's memory, as a worker's is
            cap_memory()
            _CAPPED = True
        self.watch, self.retire = watch, retire
        self._task: tuple | None = None

    def submit(self, fn: Callable, *args: Any) -> None:
        self._task = (fn, args)

    def result(self, timeout: float) -> tuple[str, Any]:
        """``("ok", value)``, ``("error", why)`` or ``("timeout", None)``."""
        if self._task is None:
            return ("error", "no task was submitted")
        fn, args = self._task
        self._task = None
        if self.watch is not None:
            self.watch(time.monotonic() + timeout + GRACE)
        previous = signal.signal(signal.SIGALRM, _expire)
        try:
            try:
                signal.setitimer(signal.ITIMER_REAL, timeout)
                outcome = run_task(fn, args)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except _Deadline:  # the timer fires once: nothing is left to disarm
            outcome = ("timeout", None)
            if self.retire is not None:  # the interrupted code left SymPy's state in doubt
                self.retire()
        finally:
            signal.signal(signal.SIGALRM, previous)
            if self.watch is not None:
                self.watch(0.0)
        return outcome

    def call(self, fn: Callable, *args: Any, timeout: float) -> tuple[str, Any]:
        self.submit(fn, *args)
        return self.result(timeout)

    def close(self) -> None:
        self._task = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


__all__ = ["InProcess", "GRACE"]
