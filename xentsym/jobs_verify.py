"""verify's derivations shared among forked job processes, each checking whole derivations.

A job runs both checks of a step itself: the symbolic one under an interval timer, with its
deadline posted for the parent's watchdog (``check/alarm.py``, ``pool.watch``), so no
second process per job is needed. A derivation whose job died (the watchdog ended it, or
something killed it) is checked again here, with a forked worker, as ``--jobs 1`` would:
the report does not depend on the number of jobs. A list of derivations is handed out
heaviest first; any other iterable as it makes them, so checking starts while later
scripts still load.
"""
from __future__ import annotations

import os

from . import collector, pool
from .derivation import Derivation
from .verify import DerivationResult, Options, StepResult, check_all


def runner():
    """What runs the symbolic checks: a job runs them itself, under a timer and the
    parent's watchdog; the parent (checking what a dead job left) forks a worker."""
    from .check.alarm import InProcess
    from .check.worker import Worker
    return InProcess(pool.watch, pool.retire) if pool.in_job() else Worker()


class _Checker:
    """``work`` for the pool: one derivation's step outcomes as plain tuples."""

    def __init__(self, options: Options):
        self.options, self.runner, self.pid = options, None, os.getpid()

    def work(self, d: Derivation) -> tuple:
        if self.runner is None or self.pid != os.getpid():
            # a job forked after the parent made its own runner makes one for itself
            self.runner, self.pid = runner(), os.getpid()
        return tuple((s.symbolic, s.numeric, s.seconds, s.cached, s.settled,
                      tuple(s.declared()))
                     for s in check_all(d, self.options, self.runner).steps)

    def close(self) -> None:
        if self.runner is not None and self.pid == os.getpid():
            self.runner.close()


def verify_in_jobs(derivations, options: Options, jobs: int) -> list[DerivationResult]:
    """``verify`` over ``jobs`` processes; the results in input order."""
    # Imported once here, before the fork, rather than by every job (measured: 1.21 s
    # against 1.25 s for a cold run of derivations/, medians of 8).
    with collector.paused():
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
                lambda i: checker.work(made[i]), weight=lambda i: len(made[i].steps)))
        else:  # a derivation whose job died is checked again here
            outcomes = list(pool.in_order(taken(), checker.work, jobs, checker.work))
    finally:
        checker.close()
    return [DerivationResult(d, tuple(
        StepResult(step, sym, num, seconds, d.scope, cached=cached, settled=settled, said=said)
        for step, (sym, num, seconds, cached, settled, said) in zip(d.steps, steps)))
        for d, steps in zip(made, outcomes)]


__all__ = ["runner", "verify_in_jobs"]
