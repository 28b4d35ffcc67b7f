"""The result of a symbolic check, and the retry on the natural domain of the sides."""
from __future__ import annotations

from dataclasses import dataclass, replace

import sympy as sp

from ..bound import replace_free
from .natural import natural_substitution
from ..notation import Scope


@dataclass(frozen=True)
class SymbolicResult:
    """proved / disproved / unknown / timeout, how, and the side conditions relied on.

    ``assumptions`` names what a proof took for granted beyond the domains, e.g. "x != 0"
    for a divisor the domains do not prove nonzero (x/x = 1 holds only there). ``strict``:
    a proof of lhs <= rhs that also shows lhs < rhs (rhs - lhs a positive constant).
    """

    status: str
    certificate: str = ""
    conditions: tuple = ()
    message: str = ""
    assumptions: tuple = ()
    strict: bool = False


def on_natural_domain(prove, lhs, rhs, scope: Scope, *rest) -> SymbolicResult:
    """``prove(lhs, rhs, scope, *rest)``; when that finds nothing, the same with the real
    symbols restricted to where both sides are defined (as the numeric check samples
    them), the restriction then named in the result's assumptions."""
    found = prove(lhs, rhs, scope, *rest)
    if found.status != "unknown":
        return found
    mapping, said = natural_substitution(lhs, scope, rhs if isinstance(rhs, sp.Basic) else None)
    if not mapping:
        return found
    again = prove(*(replace_free(x, mapping) if isinstance(x, sp.Basic) else x
                    for x in (lhs, rhs)), scope,
                  *(replace_free(x, mapping) if isinstance(x, sp.Basic) else x for x in rest))
    if again.status != "proved":
        return found
    return replace(again, assumptions=said + again.assumptions)


@dataclass(frozen=True)
class NumericResult:
    """The verdict of the numeric check.

    ``status`` is ``passed`` (every usable sample agreed), ``failed`` (a counterexample in
    ``counterexample``; or, without one, the check could not evaluate or could not settle a
    float disagreement within its budget) or ``undecided`` (no counterexample, and too few
    usable samples: the left side was undefined almost everywhere it was sampled).
    ``samples`` counts the usable samples checked, ``discarded`` the samples drawn where
    the left side was undefined, ``precise`` the float disagreements that the
    high-precision re-evaluation showed to be rounding. ``assumptions`` says how the
    samples were restricted, e.g. "theta: sampled where the left side is defined (natural
    domain)".
    """

    status: str
    samples: int
    counterexample: dict | None = None
    message: str = ""
    precise: int = 0
    discarded: int = 0
    assumptions: tuple = ()
