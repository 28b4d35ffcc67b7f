"""What an edit of a step is, and how slips are built: positions in a formula, outermost first."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import sympy as sp

from .read.results import Objective


@dataclass(frozen=True)
class Edit:
    """One candidate correction: the step after the edit, and the part that changed."""

    kind: str
    lhs: object
    rhs: object
    relation: str
    before: object  # the part as written (an expression, or the relation as text)
    after: object  # the part corrected
    side: str = "right"
    says: str = ""  # what the slip looks like, with {before} and {after}


def positions(expr) -> Iterator[tuple[sp.Basic, Callable]]:
    """Every subexpression with a function that rebuilds ``expr`` around a replacement,
    outermost first (breadth first)."""
    queue = [(expr, lambda new: new)]
    while queue:
        node, rebuild = queue.pop(0)
        yield node, rebuild
        if not isinstance(node, sp.Basic) or node.is_Atom or isinstance(node, sp.Indexed):
            continue
        for k, arg in enumerate(node.args):
            if isinstance(node, (sp.Sum, sp.Product, sp.Integral, sp.Derivative)) and k > 0:
                break  # limits and variables are no place for a slip
            def put(new, node=node, k=k, rebuild=rebuild):
                args = list(node.args)
                args[k] = new
                return rebuild(node.func(*args))
            queue.append((arg, put))


def positions_of(expr, kinds) -> Iterator[tuple[sp.Basic, Callable]]:
    """The positions of :func:`positions` whose node is one of ``kinds``."""
    return ((node, rebuild) for node, rebuild in positions(expr) if isinstance(node, kinds))


def expression(side) -> sp.Basic | None:
    return side.expr if isinstance(side, Objective) else side


def with_expression(side, expr):
    if isinstance(side, Objective):
        return Objective(side.sense, side.wrt_latex, side.wrt, expr)
    return expr


def edits_of(kind, lhs, rhs, relation, says, changes, side="right") -> Iterator[Edit]:
    """Edits from ``changes(expr) -> (before, after, new expr)`` on one side."""
    target = rhs if side == "right" else lhs
    expr = expression(target)
    if expr is None:
        return
    seen = {expr}
    found = changes(expr)
    while True:
        try:
            before, after, new = next(found)
        except StopIteration:
            return
        except (ValueError, TypeError, ArithmeticError, RecursionError):
            return  # SymPy refused to build an edit (d/d(1 - x)): none of this kind then
        if new in seen:
            continue
        seen.add(new)
        out = with_expression(target, new)
        yield Edit(kind, lhs if side == "right" else out, out if side == "right" else rhs,
                   relation, before, after, side, says)


def is_name(node) -> bool:
    """A name the text wrote: a real symbol or an entry of a family."""
    return isinstance(node, sp.Indexed) or (isinstance(node, sp.Symbol) and
                                            not node.is_integer)


def factors(node) -> list:
    return [f for f in node.args if f not in (sp.S.NegativeOne, sp.S.One)]


__all__ = ["Edit", "edits_of", "expression", "factors", "is_name", "positions", "positions_of",
           "with_expression"]
