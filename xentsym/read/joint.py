r"""Reading two random variables X, Y: H(X, Y), H(Y \mid X), H(Y), I(X; Y), p(x, y), p(y \mid x).

The quantities are those of :mod:`xentsym.infotheory`, of the joint mass function given by
``p`` (the distribution of X, the lecture's ``H(X) = H(p)``) and the conditional rows of Y
given X. Inside sums over ``x`` and ``y``, ``p(x, y)``, ``p(y \mid x)``, ``p(y)`` and
``p(x \mid y)`` are its entries, and ``D_{KL}(p(x, y) \| p(x) p(y))`` the sum over both.
Only the letters X, Y (x, y for outcomes) are read so; anything else returns None and is read
as before.
"""
from __future__ import annotations

import sympy as sp

from ..infotheory import (ConditionalEntropy, Entry, JointEntropy, MarginalEntropy,
                          MutualInformation, ReverseConditionalEntropy, RowEntropy,
                          conditional_family, entry)
from .lecture_preset import index_symbol
from .nodes import is_char, is_letter, is_macro
from .ranges import RangeSize
from .tables import SPACING
from .tokens import Fail


def _parts(nodes: list) -> tuple[list, list] | None:
    """Letters between separators: ``Y \\mid X = x`` -> ([["Y"], ["X", "=", "x"]], ["|"])."""
    items: list[list] = [[]]
    seps: list[str] = []
    for t in nodes:
        if is_macro(t, *SPACING):
            continue
        if is_char(t, ",", ";", "|") or is_macro(t, r"\mid"):
            seps.append("|" if is_macro(t, r"\mid") else t.text)
            items.append([])
        elif is_letter(t) or is_char(t, "="):
            items[-1].append(t.text)
        else:
            return None
    return items, seps


def variables(nodes: list) -> tuple | None:
    """The random variables of H(...) / I(...): ("one", "Y"), ("pair", ",", ("X", "Y")),
    ("row", "x") for ``Y \\mid X = x``; None when it is no such form."""
    found = _parts(nodes)
    if found is None:
        return None
    items, seps = found
    if len(items) == 1 and items[0] in (["X"], ["Y"]):
        return ("one", items[0][0])
    if len(items) != 2 or len(seps) != 1:
        return None
    first, second = items
    if seps == ["|"] and first == ["Y"] and len(second) == 3 and second[:2] == ["X", "="]:
        return ("row", second[2])
    if sorted(first + second) != ["X", "Y"]:
        return None
    return ("pair", seps[0], (first[0], second[0]))


def _families(reader):
    p = reader.names.distributions["X"]
    return p, conditional_family(p)


def entropy(reader, nodes: list, ctx):
    """H(X, Y), H(Y | X), H(X | Y), H(Y), H(Y | X = x) (x bound by a sum); else None."""
    form = variables(nodes)
    if form is None or form == ("one", "X"):
        return None
    p, c = _families(reader)
    if form[0] == "one":
        return MarginalEntropy(p, c)
    if form[0] == "row":
        letter = form[1]
        return RowEntropy(p, c, index_symbol(letter)) if letter == "x" and "x" in ctx.bound \
            else None
    _, sep, pair = form
    if sep == ",":
        return JointEntropy(p, c)
    if sep == "|":
        return ConditionalEntropy(p, c) if pair == ("Y", "X") else ReverseConditionalEntropy(p, c)
    return None


def information(reader, nodes: list, ctx):
    """I(X; Y), I(Y; X): the mutual information; else None."""
    form = variables(nodes)
    if form is None or form[0] != "pair" or form[1] != ";":
        return None
    return MutualInformation(*_families(reader))


def outcome_entry(reader, name: str, nodes: list, ctx):
    """p(x, y), p(y | x), p(x | y) with x and y bound by sums, p(y) with y bound; else None."""
    if name != "p":
        return None
    found = _parts(nodes)
    if found is None:
        return None
    items, seps = found
    if any(len(item) != 1 or item[0] not in ("x", "y") or item[0] not in ctx.bound
           for item in items):
        return None
    letters = [item[0] for item in items]
    x, y = index_symbol("x"), index_symbol("y")
    p, c = _families(reader)
    if letters == ["y"]:
        return entry(p, c, "y", sp.S.Zero, y)
    if sorted(letters) != ["x", "y"] or len(seps) != 1:
        return None
    if seps == [","]:
        return entry(p, c, "joint", x, y) if letters == ["x", "y"] else None
    if seps == ["|"]:
        return entry(p, c, "given x" if letters == ["y", "x"] else "given y", x, y)
    return None


def divergence(reader, args: list, ctx, group_start: int):
    r"""D_KL(p(x, y) \| p(x) p(y)): the sum over x and y of a log (a / b) when both sides are
    entries of the joint mass function; else None."""
    inner = ctx.binding("x").binding("y")
    try:
        a, b = (reader.expression(arg, inner, group_start) for arg in args)
    except Fail:  # not this form: the caller reads it as before
        return None
    x, y = index_symbol("x"), index_symbol("y")
    p, _ = _families(reader)
    if not (a.has(Entry) and b.has(Entry)):
        return None
    for side in (a, b):
        pure = side.replace(lambda e: isinstance(e, Entry), lambda e: sp.S.One)
        pure = pure.replace(lambda e: isinstance(e, sp.Indexed) and e.base == p
                            and e.indices == (x,), lambda e: sp.S.One)
        if pure != 1:
            return None
    n = reader.names.scalars["n"]
    return sp.Sum(a * sp.log(a / b), (y, 1, RangeSize("N_y")), (x, 1, n))
