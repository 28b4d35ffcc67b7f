r"""What the slip of a refuted step looks like: the first small edit under which it holds.

The edits of :mod:`xentsym.slips` are tried in their documented order. Each is first probed
with a few numeric samples (cheap, and most edits fail there), and the first that passes is
checked in full, certificate and samples, exactly as a step of the document would be. Only
an edit whose corrected step is ``verified`` becomes a diagnosis; the search stops after
:data:`MAX_PROBES` edits (a count, so the answer does not depend on the machine's load) or
:data:`MAX_SECONDS` as a last resort. A diagnosis never changes the step's verdict.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from .read.results import Objective
from .render.printer import latex
from .slips import Edit, candidates

MAX_PROBES = 160  # edits probed per refuted step
MAX_CONFIRMS = 6  # edits checked in full per refuted step (the probe passed, the proof may not)
MAX_SECONDS = 60.0  # a safety net for pathological formulas; the count bounds the search


@dataclass(frozen=True)
class Diagnosis:
    """The slip found: its kind, a sentence for the reader, and the correction in LaTeX: the
    corrected side (``side`` "right" or "left") or relation (``side`` "relation")."""

    kind: str
    message: str
    corrected: str
    side: str = "right"

    def to_json(self) -> dict:
        return {"kind": self.kind, "message": self.message, "corrected": self.corrected,
                "side": self.side}


def _show(part) -> str:
    if isinstance(part, str):
        return {"<=": r"\le", ">=": r"\ge"}.get(part, part)
    return latex(part)


def _quoted(part) -> str:
    return part if part.startswith("arg ") else f'"{part}"'



def _side(edit: Edit) -> str:
    side = edit.rhs if edit.side == "right" else edit.lhs
    if isinstance(side, Objective):
        return rf"\arg\{side.sense}_{{{side.wrt_latex}}} {latex(side.expr)}"
    return latex(side)


def describe(edit: Edit) -> Diagnosis:
    """The diagnosis an edit makes, in words: what looks wrong, and the change that fixes it."""
    before, after = _show(edit.before), _show(edit.after)
    says = edit.says.format(before=before, after=after)
    if edit.kind in ("factor", "term"):
        change = "without it" if after == "1" else "with it"
    else:
        change = f"with {_quoted(before)} → {_quoted(after)}" + (
            " on the left" if edit.side == "left" else "")
    message = f"{says}; {change} the step holds"
    if edit.kind == "relation" and not isinstance(edit.rhs, Objective):  # <= for >=
        return Diagnosis(edit.kind, message, after, "relation")
    return Diagnosis(edit.kind, message, _side(edit), edit.side)


def diagnose(lhs, rhs, relation: str, probe: Callable[[Edit], bool],
             confirm: Callable[[Edit], bool], context=()) -> Diagnosis | None:
    """The first edit of ``lhs relation rhs`` that ``probe`` passes and ``confirm`` verifies,
    as a :class:`Diagnosis`; None when none is found within the bounds. ``context``: the sides
    with the document's definitions written out (see :func:`xentsym.slips.candidates`)."""
    started, confirmed = time.perf_counter(), 0
    for n, edit in enumerate(candidates(lhs, rhs, relation, context)):
        if n >= MAX_PROBES or confirmed >= MAX_CONFIRMS or \
                time.perf_counter() - started > MAX_SECONDS:
            return None
        if not _holds(probe, edit):
            continue
        confirmed += 1
        if _holds(confirm, edit):
            return describe(edit)
    return None


def _holds(check: Callable[[Edit], bool], edit: Edit) -> bool:
    """``check(edit)``, with any failure of the check meaning the edit does not hold: an
    edited step SymPy cannot work out is no correction, and never the step's verdict."""
    try:
        return bool(check(edit))
    except Exception:  # noqa: BLE001  (whatever SymPy raises on an odd edit)
        return False


__all__ = ["Diagnosis", "MAX_PROBES", "describe", "diagnose"]
