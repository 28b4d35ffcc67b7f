"""Run symbolic checks in a forked worker process that is killed at its deadline.

A thread cannot stop SymPy inside a long computation and ``signal.alarm`` works only on
the main thread, so the work runs in a child process with a memory cap; past the deadline
the child is killed and a fresh one is forked for the next task. Forking works from any
thread (the child runs only the task), so ``verify`` may be called from a worker thread.

Every task carries a sequence number and its reply is matched to it: a reply left over
from an earlier task that was never collected can never be taken for the current one.
"""
from __future__ import annotations

import multiprocessing as mp

import os
import resource
import signal
import sys
import time
from typing import Any, Callable

from .. import pickling  # noqa: F401  (families keep their assumptions in the pipe)

MEMORY_LIMIT = 4 * 1024 ** 3  # bytes of address space a worker may add to what it inherits


def _address_space() -> int:
    """Bytes of address space this process uses now (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def cap_memory(limit: int = MEMORY_LIMIT) -> None:
    """Let this process add at most ``limit`` bytes of address space to what it has now
    (a large parent must not leave its child without room, nor lift the cap on new work)."""
    cap = _address_space() + limit
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):  # pragma: no cover - platforms without the limit
        pass
    sys.setrecursionlimit(10_000)


def run_task(fn: Callable, args: tuple) -> tuple[str, Any]:
    """``("ok", fn(*args))``, or ``("error", why)`` for anything it raised."""
    try:
        return ("ok", fn(*args))
    except MemoryError:
        return ("error", "out of memory")
    except RecursionError:
        return ("error", "expression nested too deeply")
    except Exception as exc:  # report, never crash the worker silently
        return ("error", f"{type(exc).__name__}: {exc}")


def die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies, even by SIGKILL (Linux): a
    child busy with a long task would otherwise run on until the task is done."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # another system: the closed pipe still ends it
        pass
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _serve(conn, limit: int, parent: int) -> None:
    die_with(parent)
    cap_memory(limit)
    while True:
        try:
            seq, fn, args = conn.recv()
        except (EOFError, OSError):
            return
        reply = (seq, *run_task(fn, args))
        try:
            conn.send(reply)
        except Exception as exc:  # e.g. a result that cannot be pickled
            conn.send((seq, "error", f"cannot send the result ({type(exc).__name__}: {exc})"))


class Worker:
    """One child process at a time; ``call`` returns ("ok", value), ("error", msg) or ("timeout", None)."""

    def __init__(self, memory_limit: int = MEMORY_LIMIT):
        self.memory_limit = memory_limit
        self._proc = None
        self._conn = None
        self._seq = 0
        self._started = time.monotonic()

    def _start(self):
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
        parent, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child, self.memory_limit, os.getpid()),
                                 daemon=True)
        self._proc.start()
        child.close()
        self._conn = parent

    def submit(self, fn: Callable, *args: Any) -> None:
        """Start ``fn(*args)`` in the worker; collect it with ``result``."""
        self._seq += 1
        self._started = time.monotonic()
        for attempt in (1, 2):
            if self._proc is None or not self._proc.is_alive():
                self.close()
                self._start()
            try:
                self._conn.send((self._seq, fn, args))
                return
            except (BrokenPipeError, EOFError, OSError):  # the child died meanwhile
                self.close()
                if attempt == 2:
                    raise

    def result(self, timeout: float) -> tuple[str, Any]:
        """Wait for the submitted call until ``timeout`` seconds after it was submitted."""
        deadline = self._started + timeout
        try:
            while self._conn is not None:
                if not self._conn.poll(max(0.0, deadline - time.monotonic())):
                    break
                seq, kind, value = self._conn.recv()
                if seq == self._seq:
                    return (kind, value)
                # a reply to an earlier task that was never collected: drop it
        except (EOFError, OSError):
            self.close()
            return ("error", "the worker process died (memory limit?)")
        except Exception as exc:  # a reply that cannot be read back
            self.close()
            return ("error", f"cannot read the worker's reply ({type(exc).__name__}: {exc})")
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


__all__ = ["Worker", "cap_memory", "die_with", "run_task"]
