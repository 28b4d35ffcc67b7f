"""Run symbolic checks in a forked worker process that is killed at its deadline.

A thread cannot stop SymPy inside a long computation and ``signal.alarm`` works only on
the main thread, so the work runs in a child process with a memory cap; past the deadline
the child is killed and a fresh one is forked for the next task.
"""
from __future__ import annotations

import multiprocessing as mp

import resource
import sys
import time
from typing import Any, Callable

MEMORY_LIMIT = 4 * 1024 ** 3  # bytes of address space a worker may use


def _serve(conn, limit: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):  # pragma: no cover - platforms without the limit
        pass
    sys.setrecursionlimit(10_000)
    while True:
        try:
            fn, args = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", fn(*args)))
        except MemoryError:
            conn.send(("error", "out of memory"))
        except RecursionError:
            conn.send(("error", "expression nested too deeply"))
        except Exception as exc:  # report, never crash the worker silently
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class Worker:
    """One child process at a time; ``call`` returns ("ok", value), ("error", msg) or ("timeout", None)."""

    def __init__(self, memory_limit: int = MEMORY_LIMIT):
        self.memory_limit = memory_limit
        self._proc = None
        self._conn = None

    def _start(self):
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        parent, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, self.memory_limit), daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent

    def submit(self, fn: Callable, *args: Any) -> None:
        """Start ``fn(*args)`` in the worker; collect it with ``result``."""
        if self._proc is None or not self._proc.is_alive():
            self._start()
        self._conn.send((fn, args))
        self._started = time.monotonic()

    def result(self, timeout: float) -> tuple[str, Any]:
        """Wait for the submitted call until ``timeout`` seconds after it was submitted."""
        remaining = max(0.0, timeout - (time.monotonic() - self._started))
        try:
            if self._conn.poll(remaining):
                return self._conn.recv()
        except (EOFError, OSError):
            self.close()
            return ("error", "the worker process died (memory limit?)")
        self.close()
        return ("timeout", None)

    def call(self, fn: Callable, *args: Any, timeout: float) -> tuple[str, Any]:
        self.submit(fn, *args)
        return self.result(timeout)

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.is_alive():
                self._proc.kill()
            self._proc.join(timeout=5)
            self._proc = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def in_process(fn: Callable, *args: Any) -> tuple[str, Any]:
    """Run without a worker (for debugging); no deadline."""
    return ("ok", fn(*args))


__all__ = ["Worker", "in_process"]
