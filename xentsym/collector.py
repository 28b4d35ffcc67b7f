"""The garbage collector: off while the libraries load, and frozen before a job forks.

Loading SymPy makes some 10^5 long-lived objects and no garbage, yet the collector scans
them again and again on the way (25 ms of a 160 ms ``import sympy`` here). Objects alive at
a fork are frozen (``gc.freeze``), as the ``gc`` documentation advises for fork without
exec: a job's collections then skip them instead of scanning, and so writing into, the
pages it shares with the parent.
"""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def paused():
    """No collection while the block runs (module imports: nothing there is garbage)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def before_fork() -> None:
    """Keep what is alive now out of every later collection, here and in the forked jobs."""
    gc.freeze()


def after_forks() -> None:
    """In the parent, once its jobs are done: what was frozen is collected again as usual
    (a program that calls verify or check-doc in its own process keeps no garbage)."""
    gc.unfreeze()


__all__ = ["after_forks", "before_fork", "paused"]
