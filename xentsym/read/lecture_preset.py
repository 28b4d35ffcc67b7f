"""The lecture's notation: its letters, families, index letters and function names, read with
their domains when ``plain=False``; ``plain=True`` (check-doc) keeps the names, not the domains."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp

from .. import notation as nt

# A bare letter (or Greek name) -> the lecture's symbol.
SCALARS: dict[str, sp.Expr] = {
    "N": nt.N, "K": nt.K, "n": nt.n, "i": nt.i, "k": nt.k,
    "x": nt.x, "Y": nt.Y, "p": nt.p_success, "q": nt.q_failure,
    "beta": nt.beta, "theta": nt.theta,
    "e": sp.E, "pi": sp.pi,
}
# A letter used as an index (subscript, summation variable) -> its symbol.
INDEX_SYMBOLS: dict[str, sp.Symbol] = {"i": nt.i, "k": nt.k, "n": nt.n, "N": nt.N, "K": nt.K}
INDEX_LETTERS = frozenset("ijklmnt") | {"N", "K"}
# Families with one index (sample i / outcome i): y_i, \hat{y}_i, p_i, q_i.
SAMPLE_FAMILIES: dict[str, sp.IndexedBase] = {"y": nt.y, "yhat": nt.yhat, "p": nt.p, "q": nt.q}
# Families with two indices (sample i, class k): y_{(i,k)}, \hat{y}_{(i,k)}.
ROW_FAMILIES: dict[str, sp.IndexedBase] = {"y": nt.y_onehot, "yhat": nt.yhat_rows}
# Entries with their own scalar symbol: p_0 = p(x_0).
SPECIAL_ENTRIES: dict[tuple, sp.Expr] = {("p", 0): nt.p_event}
# What p(x) / q(x) with an unindexed x means: the scalar of the Bernoulli PMF.
UNINDEXED_OUTCOME: dict[str, sp.Expr] = {"p": nt.p_success, "q": nt.q_failure}
# Arguments of H(.), D_KL(.||.) that name a distribution.
DISTRIBUTIONS: dict[str, sp.IndexedBase] = {"p": nt.p, "q": nt.q, "X": nt.p,
                                            "P": sp.IndexedBase("P", real=True),
                                            "Q": sp.IndexedBase("Q", real=True)}
# Names applied to brackets as functions when not in the table of special forms.
GENERIC_FUNCTIONS = frozenset({"f", "g", "h", "F", "G", "P", "Q", "J", "L", "R", "ell",
                               r"\mathcal{L}", r"\mathcal{J}"})


@dataclass(frozen=True)
class _Names:
    """The objects the reader builds for the lecture's letters and families."""

    scalars: dict
    sample_families: dict
    row_families: dict
    special_entries: dict
    unindexed_outcome: dict
    distributions: dict
    model_probability: sp.IndexedBase
    family: Callable  # name -> the family of a letter without a table entry (a_i)


LECTURE_NAMES = _Names(SCALARS, SAMPLE_FAMILIES, ROW_FAMILIES, SPECIAL_ENTRIES,
                       UNINDEXED_OUTCOME, DISTRIBUTIONS, nt.p_theta,
                       lambda name: sp.IndexedBase(name, real=True))


def _plain_symbol(e):
    return sp.Symbol(e.name, real=True) if isinstance(e, sp.Symbol) and not e.is_integer else e


def _plain_family(f) -> sp.IndexedBase:
    # A Label, so the family p is never the scalar p that the same document may also use.
    name = str(f.label) if isinstance(f, sp.IndexedBase) else f
    return sp.IndexedBase(nt.Label(name, real=True), real=True)


# ``plain=True``: names without meanings. Letters are plain reals and families plain real
# entries, so nothing is simplified under a domain the document never gave (sqrt(q^2) is not
# q); check-doc's symbol table gives them their meaning afterwards.
PLAIN_NAMES = _Names(
    {k: _plain_symbol(v) for k, v in SCALARS.items()},
    {k: _plain_family(v) for k, v in SAMPLE_FAMILIES.items()},
    {k: _plain_family(v) for k, v in ROW_FAMILIES.items()},
    {k: _plain_symbol(v) for k, v in SPECIAL_ENTRIES.items()},
    {k: _plain_symbol(v) for k, v in UNINDEXED_OUTCOME.items()},
    {k: _plain_family(v) for k, v in DISTRIBUTIONS.items()},
    _plain_family(nt.p_theta), _plain_family)


def index_symbol(letter: str) -> sp.Symbol:
    return INDEX_SYMBOLS.get(letter) or sp.Symbol(letter, integer=True)
