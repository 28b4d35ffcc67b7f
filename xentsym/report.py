"""Verification reports: a readable table per derivation, or the JSON object of DESIGN.md."""
from __future__ import annotations

import json
import os

from .verify import DerivationResult, StepResult, summary

_MARK = {"verified": "ok", "refuted": "REFUTED", "unproven": "unproven"}


def _relpath(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def _problem(r: StepResult) -> str:
    """``file:line: step N refuted: why`` for a step that is not verified."""
    file, line = r.step.origin
    return f"{_relpath(file)}:{line}: step {r.step.index} {r.status}: {r.reason}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def text(results: list[DerivationResult]) -> str:
    """One table per derivation, then problems with their script lines, then a summary."""
    out = []
    for res in results:
        d = res.derivation
        expected = f" (expected: {d.expect_unproven})" if d.expect_unproven else ""
        out.append(f"{d.name} — {d.title}: {res.status}"
                   + (expected if res.status == "unproven" else ""))
        if d.expect_unproven and res.status == "verified":
            out.append(f"  note: marked as expected to stay unproven ({d.expect_unproven}), "
                       f"but every step is verified: the mark can go")
        out.append(f"  {'step':>4}  {'relation':<15} {'rule':<26} {'symbolic':<9} "
                   f"{'numeric':<15} {'time':>7}")
        for r in res.steps:
            numeric = f"{r.numeric.status} ({r.numeric.samples})"
            out.append(f"  {r.step.index:>4}  {r.step.relation_key:<15} {r.step.rule:<26} "
                       f"{r.symbolic.status:<9} {numeric:<15} {r.seconds:>6.3f}s"
                       f"  {_MARK[r.status]}")
        out.extend("  " + _problem(r) for r in res.steps if r.status != "verified")
        used = sorted({a for r in res.steps for a in r.declared() + list(r.assumptions)})
        if used:
            out.append("  assuming " + "; ".join(used))
        out.append("")
    counts = summary(results)
    steps = sum(len(r.steps) for r in results)
    expected = sum(r.status == "unproven" and r.passes for r in results)
    out.append(f"{counts['verified']} verified, {counts['refuted']} refuted, "
               f"{counts['unproven']} unproven ({_count(len(results), 'derivation')}, "
               f"{_count(steps, 'step')})"
               + (f"; {_count(expected, 'derivation')} unproven as expected" if expected else ""))
    return "\n".join(out)


def as_json(results: list[DerivationResult], broken=()) -> str:
    """The JSON object of DESIGN.md, with ``errors``: the scripts that failed to load."""
    errors = [{"file": e.file, "line": e.line, "column": e.column, "message": e.message}
              for e in broken]
    return json.dumps({"derivations": [r.to_json() for r in results],
                       "summary": summary(results), "errors": errors},
                      indent=2, ensure_ascii=False)
