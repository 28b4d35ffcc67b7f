r"""Sums and products without bounds (``\sum_i``, ``\sum_{x \in \mathcal{X}}``): over a whole range.

Course notes write ``\sum_i y_i \log \hat{y}_i`` for the sum over every sample and
``\sum_{x \in \mathcal{X}} p(x) f(x)`` for the sum over every outcome. Such a sum runs from 1 to a
*range size*: a positive integer named after the index (``N_i``, ``N_x``), so two unbounded
sums over the same index in one step share their range. The symbol table of a document
(:mod:`xentsym.doctable`) may give the range the size it knows for the families summed over
(a declared size, or ``n`` for probability mass functions).

>>> subscript_index([_T("letter", "i")], lambda t: t.kind == "letter")
('i', None)
>>> range_size("i")
N_i
>>> range_size("i").is_positive, range_size("i").is_integer
(True, True)
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


class RangeSize(sp.Symbol):
    """The size of the range of an unbounded sum over one index: ``N_i`` for ``\\sum_i``."""

    def __new__(cls, name: str, **assumptions):
        return super().__new__(cls, name, integer=True, positive=True)

    def __getnewargs_ex__(self):
        return ((self.name,), {})


def range_size(letter: str, var=None, body=None, outcomes=(), count=None):
    """The range size of an unbounded sum over ``letter``: ``count`` (the conventional number
    of outcomes, ``n``) when the sum runs over outcomes (``\\sum_x``) or over the entries of
    the distributions named in ``outcomes`` (``\\sum_i p_i \\log q_i``), else ``N_i``."""
    if count is not None and (letter == "x" or (body is not None and any(
            str(ix.base.label) in outcomes and var in ix.indices
            for ix in body.atoms(sp.Indexed)))):
        return count
    return RangeSize(f"N_{letter}")


def subscript_index(sub: list, is_letter, is_member=None, is_set=None):
    r"""``(letter, set node or None)`` if the subscript of a ``\sum`` names only its index:
    ``i``, ``{i}``, ``{x \in \mathcal{X}}``; ``None`` otherwise (``i=1`` and the like)."""
    nodes = [t for t in sub if getattr(t, "kind", None) != "space"]
    if len(nodes) == 1 and is_letter(nodes[0]):
        return nodes[0].text, None
    if (len(nodes) == 3 and is_letter(nodes[0]) and is_member is not None
            and is_member(nodes[1]) and is_set is not None and is_set(nodes[2])):
        return nodes[0].text, nodes[2]
    return None


@dataclass
class _T:  # a token for the doctests
    kind: str
    text: str
