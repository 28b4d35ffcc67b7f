"""The pipeline: every step of a derivation checked symbolically and numerically."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy as sp

from . import conditions as cond
from . import rules as R
from .check.result import SymbolicResult
from .derivation import Derivation, Step
from .domains import words
from .memo import remembered
from .relations import AT_MOST, EQUAL

if TYPE_CHECKING:
    from .check import numeric
    from .check.worker import Worker
# The checkers (xentsym.check: numeric, symbolic, calculus, worker) are imported on first
# use: a run whose verdicts all come from the cache never loads them.


@dataclass(frozen=True)
class Options:
    """How hard to check: samples per step, the seed, the symbolic time budget in seconds."""

    samples: int = 1000
    seed: int = 0
    timeout: float = 5.0
    cache: str | None = None  # a folder of cached verdicts (xentsym.cache); None: no cache


@dataclass(frozen=True)
class StepResult:
    """The verdict on one step, with everything a report needs."""

    step: Step
    symbolic: SymbolicResult
    numeric: numeric.NumericResult
    seconds: float
    scope: object = field(default=None, compare=False, repr=False)  # the declarations used
    cached: bool = field(default=False, compare=False)  # read from the cache, not computed
    settled: bool = field(default=True, compare=False)  # False: a timeout or a dead worker
    said: tuple | None = field(default=None, compare=False, repr=False)  # ``declared()``,
    # when a job worked it out (the report's text, computed where the checks ran)

    @property
    def assumptions(self) -> tuple:
        """What the verdict relied on beyond the declared domains (natural domains of the
        samples, divisors assumed nonzero by the certificate)."""
        return tuple(self.numeric.assumptions) + tuple(self.symbolic.assumptions)

    @property
    def status(self) -> str:
        # Refuted needs evidence: a sample where the sides differ (confirmed at high
        # precision), or a disproof, unless no sample at all fell where the left side is
        # defined. Verified needs both checks; a numeric check that could not evaluate, or
        # found too few usable samples ("undecided"), leaves it unproven. A symbolic
        # timeout decides nothing either way: only the deterministic numeric witness can
        # still refute.
        witnessed = self.numeric.status == "failed" and self.numeric.counterexample is not None
        disproved = self.symbolic.status == "disproved" and self.numeric.status != "undecided"
        if disproved or witnessed:
            return "refuted"
        if self.symbolic.status == "proved" and self.numeric.status == "passed":
            return "verified"
        return "unproven"

    @property
    def reason(self) -> str:
        """Why the step has its status, in one line."""
        if self.status == "verified":
            how = f" ({self.symbolic.certificate})" if self.symbolic.certificate else ""
            return f"proved symbolically{how}; {self.numeric.samples} samples agree"
        if self.numeric.counterexample is not None:
            return f"counterexample {json.dumps(self.numeric.counterexample)}"
        return self.numeric.message or self.symbolic.message or "the checks disagree"

    def to_json(self) -> dict:
        file, line = self.step.origin
        return {"index": self.step.index, "file": file, "line": line,
                "relation": self.step.relation_key,
                "rule": self.step.rule, "symbolic": self.symbolic.status,
                "numeric": self.numeric.status, "samples": self.numeric.samples,
                "counterexample": self.numeric.counterexample,
                "seconds": round(self.seconds, 4), "status": self.status,
                "reason": self.reason, "cached": self.cached,
                "assumptions": self.declared() + list(self.assumptions)}

    def declared(self) -> list[str]:
        """The declared domains of the names the step uses, as text."""
        if self.said is not None:
            return list(self.said)
        named = [_names(e) for e in (self.step.before, self.step.after)]
        bases = set().union(*(b for b, _ in named))
        families = {str(b.label) for b in bases}
        scalars = set().union(*(f for _, f in named)) - {b.label for b in bases}
        out = []
        for d in (self.scope or ()):
            if isinstance(d.obj, sp.IndexedBase):
                used, name = str(d.obj.label) in families, f"{d.obj.label}_i"
            else:
                used, name = d.obj in scalars, str(d.obj)
            if used:
                out.append(f"{name} {words(d.domain)}" + (f" ({d.meaning})" if d.meaning else ""))
        return sorted(set(out))


@remembered(512)
def _names(e) -> tuple[frozenset, frozenset]:
    """The families and free symbols of one side (each side is also the next step's)."""
    return frozenset(e.atoms(sp.IndexedBase)), frozenset(e.free_symbols)


@dataclass(frozen=True)
class DerivationResult:
    """All step verdicts of one derivation; its status is the worst of them."""

    derivation: Derivation
    steps: tuple = field(default=())

    @property
    def status(self) -> str:
        statuses = {s.status for s in self.steps}
        for worst in ("refuted", "unproven"):
            if worst in statuses:
                return worst
        return "verified"

    @property
    def passes(self) -> bool:
        """Whether CI may pass it: verified, or unproven as its script says it will be
        (``expect_unproven``); a refuted step never passes."""
        from .outcome import passes
        return passes(self.status, self.derivation.expect_unproven)

    def to_json(self) -> dict:
        file, line = self.derivation.origin
        return {"name": self.derivation.name, "title": self.derivation.title,
                "file": file, "line": line, "status": self.status,
                "expect_unproven": self.derivation.expect_unproven or None,
                "steps": [s.to_json() for s in self.steps]}


def _sides(step: Step, scope=None) -> tuple[sp.Expr, sp.Expr]:
    """Both sides with the step's definitions and specialisations substituted."""
    from .check.calculus import evaluate_derivatives
    with cond.using_scope(scope or cond.current_scope()):  # H(p) unfolds over p's size
        lhs, rhs = (R.substitute(e, step.given) for e in (step.before, step.after))
        if scope is not None:  # derivatives are taken of H & co. written out, so here too
            lhs, rhs = (scope.canonical(evaluate_derivatives(e, scope)) for e in (lhs, rhs))
    return lhs, rhs


def symbolic_task(step: Step, scope, sides: tuple | None = None) -> SymbolicResult:
    """The symbolic check of one step (runs inside the worker process); ``sides``, when the
    caller has them, are ``_sides(step, scope)``."""
    from .check import symbolic
    lhs, rhs = sides or _sides(step, scope)
    if step.relation == EQUAL:
        return symbolic.prove_equal(lhs, rhs, scope, step.given)
    if step.relation.is_optimiser:
        return symbolic.prove_ranking(lhs, rhs, step.relation.order, step.wrt, scope, step.given)
    if step.relation == AT_MOST:
        cert = None if step.certificate is None else R.substitute(step.certificate, step.given)
        return symbolic.prove_at_most(lhs, rhs, scope, step.given, cert)
    return SymbolicResult("unknown", message=f"no symbolic method for {step.relation.key}")


def numeric_task(step: Step, scope, options: Options, sides: tuple | None = None
                 ) -> numeric.NumericResult:
    """The numeric check of one step (H & co. unfold over the sizes ``scope`` gives them)."""
    with cond.using_scope(scope or cond.current_scope()):
        return _numeric_task(step, scope, options, sides)


def _numeric_task(step: Step, scope, options: Options, sides) -> numeric.NumericResult:
    from .check import numeric
    lhs, rhs = sides or _sides(step, scope)
    wrt = tuple(R.substitute(w, step.given) if not isinstance(w, sp.IndexedBase) else w
                for w in step.wrt)
    if step.relation.is_optimiser:
        return numeric.check_ranking(lhs, rhs, step.relation.order, wrt, scope,
                                     options.samples, options.seed)
    if step.relation == AT_MOST:
        return numeric.check_at_most(lhs, rhs, scope, options.samples, options.seed)
    return numeric.check_equal(lhs, rhs, scope, options.samples, options.seed)


def check_step(step: Step, scope, options: Options, worker: Worker) -> StepResult:
    """The numeric check here and the symbolic one by ``worker`` (a forked process that
    works meanwhile, or this process under a timer: ``check/alarm.py``); with
    ``options.cache``, a verdict stored under the same key is taken instead."""
    started = time.perf_counter()
    store = key = None
    if options.cache is not None:
        from .cache import VerdictCache, step_key
        store, key = VerdictCache(options.cache), step_key(step, scope, options)
        hit = store.get(key)
        if hit is not None:
            return StepResult(step, *hit, time.perf_counter() - started, scope, cached=True)
    from .check import calculus, numeric, symbolic  # noqa: F401  (loaded before the fork)
    # The sides once, here: the worker was forked before they were worked out, and a
    # derivative can cost more than sending the result.
    try:
        sides = _sides(step, scope)
    except Exception:  # each check meets the failure again and reports it its own way
        sides = None
    worker.submit(symbolic_task, step, scope, sides)
    num = numeric_task(step, scope, options, sides)
    kind, value = worker.result(options.timeout)
    if kind == "ok":
        sym = value
    elif kind == "timeout":
        sym = SymbolicResult("timeout", message=f"no verdict within {options.timeout:g} s")
    else:
        sym = SymbolicResult("unknown", message=str(value))
    # What the machine's limits decided (a timeout, a dead worker, memory) is no verdict to
    # keep: it is neither cached nor replayed, and the next run checks the step again.
    settled = kind == "ok" and num.message != numeric.OUT_OF_MEMORY
    if store is not None and settled:
        store.put(key, sym, num)
    return StepResult(step, sym, num, time.perf_counter() - started, scope, settled=settled)


def verify(derivations, options: Options = Options(), jobs: int = 1
           ) -> list[DerivationResult]:
    """Check every step of every derivation; with ``jobs`` > 1, in that many forked
    processes (``jobs_verify``)."""
    if jobs <= 1:
        from .check.worker import Worker
        with Worker() as worker:
            return [check_all(d, options, worker) for d in derivations]
    from .jobs_verify import verify_in_jobs
    return verify_in_jobs(derivations, options, jobs)


def check_all(d: Derivation, options: Options, worker: Worker) -> DerivationResult:
    """Every step of one derivation, its symbolic checks run by ``worker``."""
    return DerivationResult(d, tuple(check_step(s, d.scope, options, worker)
                                     for s in d.steps))


def summary(results) -> dict:
    """How many derivations ended verified, refuted and unproven."""
    from .outcome import counts
    return counts(r.status for r in results)
