"""Verification reports: a readable table per derivation, or the JSON object of DESIGN.md."""
from __future__ import annotations

import json
import os

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the report is made from plain data: a cached run never loads SymPy
    from .verify import DerivationResult

from .outcome import counts, passes

_MARK = {"verified": "ok", "refuted": "REFUTED", "unproven": "unproven"}


def _relpath(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def _problem(s: dict) -> str:
    """``file:line: step N refuted: why`` for a step that is not verified."""
    return f"{_relpath(s['file'])}:{s['line']}: step {s['index']} {s['status']}: {s['reason']}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def text(results: list[DerivationResult]) -> str:
    """One table per derivation, then problems with their script lines, then a summary."""
    return text_of([r.to_json() for r in results])


def text_of(derivations: list[dict]) -> str:
    """``text`` from the JSON form of the results (what the run cache keeps)."""
    out = []
    for d in derivations:
        hope = d["expect_unproven"]
        expected = f" (expected: {hope})" if hope else ""
        out.append(f"{d['name']} — {d['title']}: {d['status']}"
                   + (expected if d["status"] == "unproven" else ""))
        if hope and d["status"] == "verified":
            out.append(f"  note: marked as expected to stay unproven ({hope}), "
                       f"but every step is verified: the mark can go")
        out.append(f"  {'step':>4}  {'relation':<15} {'rule':<26} {'symbolic':<9} "
                   f"{'numeric':<15} {'time':>7}")
        for s in d["steps"]:
            numeric = f"{s['numeric']} ({s['samples']})"
            out.append(f"  {s['index']:>4}  {s['relation']:<15} {s['rule']:<26} "
                       f"{s['symbolic']:<9} {numeric:<15} {s['seconds']:>6.3f}s"
                       f"  {_MARK[s['status']]}")
        out.extend("  " + _problem(s) for s in d["steps"] if s["status"] != "verified")
        used = sorted({a for s in d["steps"] for a in s["assumptions"]})
        if used:
            out.append("  assuming " + "; ".join(used))
        out.append("")
    tally = counts(d["status"] for d in derivations)
    steps = sum(len(d["steps"]) for d in derivations)
    expected = sum(d["status"] == "unproven" and passes(d["status"], d["expect_unproven"])
                   for d in derivations)
    out.append(f"{tally['verified']} verified, {tally['refuted']} refuted, "
               f"{tally['unproven']} unproven ({_count(len(derivations), 'derivation')}, "
               f"{_count(steps, 'step')})"
               + (f"; {_count(expected, 'derivation')} unproven as expected" if expected else ""))
    return "\n".join(out)


def errors_of(broken) -> list[dict]:
    """The scripts that failed to load, as JSON data."""
    return [{"file": e.file, "line": e.line, "column": e.column, "message": e.message}
            for e in broken]


def as_json(results: list[DerivationResult], broken=()) -> str:
    """The JSON object of DESIGN.md, with ``errors``: the scripts that failed to load."""
    return json_of([r.to_json() for r in results], errors_of(broken))


def json_of(derivations: list[dict], errors: list[dict]) -> str:
    """``as_json`` from the JSON form of the results."""
    return json.dumps({"derivations": derivations, "summary": counts(d["status"] for d in derivations),
                       "errors": errors}, indent=2, ensure_ascii=False)
