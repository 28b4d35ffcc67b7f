"""verify's derivations shared among forked job processes, each checking whole derivations.

A job runs both checks of a step itself: the symbolic one under an interval timer, with its
deadline posted for the parent's watchdog (``check/alarm.py``, ``pool.watch``), so no
second process per job is needed. A list of derivations is handed out heaviest first; any
other iterable as it makes them, so checking starts while later scripts still load.
"""
from __future__ import annotations

from . import pool
from .check.result import NumericResult, SymbolicResult
from .derivation import Derivation
from .verify import DerivationResult, Options, StepResult, check_all

LOST = ("the job checking this derivation stopped (a symbolic check past its deadline "
        "that no signal could stop, or the job was killed)")


class _Checker:
    """``work`` and ``lost`` for the pool: one derivation's step outcomes as plain tuples."""

    def __init__(self, options: Options):
        self.options, self.runner = options, None

    def work(self, d: Derivation) -> tuple:
        if self.runner is None:  # a job runs the checks itself; the parent (a fallback) forks
            from .check.alarm import InProcess
            from .check.worker import Worker
            self.runner = InProcess(pool.watch) if pool.in_job() else Worker()
        return tuple((s.symbolic, s.numeric, s.seconds, s.cached, s.settled)
                     for s in check_all(d, self.options, self.runner).steps)

    @staticmethod
    def lost(d: Derivation) -> tuple:
        return tuple((SymbolicResult("unknown", message=LOST),
                      NumericResult("failed", 0, None, LOST), 0.0, False, False)
                     for _ in d.steps)

    def close(self) -> None:
        if self.runner is not None:
            self.runner.close()


def verify_in_jobs(derivations, options: Options, jobs: int) -> list[DerivationResult]:
    """``verify`` over ``jobs`` processes; the results in input order."""
    # Imported once here, before the fork, rather than by every job (measured: 1.21 s
    # against 1.25 s for a cold run of derivations/, medians of 8).
    from .check import alarm, calculus, numeric, symbolic  # noqa: F401
    if options.cache is not None:  # the step keys' code digest, likewise
        from .cache import code_digest
        code_digest()
    checker = _Checker(options)
    listed = isinstance(derivations, (list, tuple))
    made: list = list(derivations) if listed else []

    def taken():
        for d in derivations:
            made.append(d)
            yield d
    try:
        if listed:  # made already: the jobs take them by number, nothing is pickled
            outcomes = list(pool.in_order(
                range(len(made)), lambda i: checker.work(made[i]), jobs,
                lambda i: checker.lost(made[i]), weight=lambda i: len(made[i].steps)))
        else:
            outcomes = list(pool.in_order(taken(), checker.work, jobs, checker.lost))
    finally:
        checker.close()
    return [DerivationResult(d, tuple(
        StepResult(step, sym, num, seconds, d.scope, cached=cached, settled=settled)
        for step, (sym, num, seconds, cached, settled) in zip(d.steps, steps)))
        for d, steps in zip(made, outcomes)]


__all__ = ["verify_in_jobs"]
