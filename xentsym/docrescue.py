r"""Other readings of a refuted step: when the text may mean something it does not write.

A document's prose can fix what its formulas leave open: that ``\log`` is base 2, that
``\bar{x}`` is the mean of the ``x_i``. A step that is false as written but true under such
a reading is not refuted: it is ``unproven``, and the message names the reading and the hint
that would settle it. Each reading is a small function from the two sides to the sides read
that way (or ``None`` when it does not apply), kept in the table :data:`READINGS`.

>>> x = sp.IndexedBase("x")
>>> i, m = sp.symbols("i m", integer=True, positive=True)
>>> xbar = sp.Symbol("xbar")
>>> bar_is_mean(xbar, sp.Sum(x[i], (i, 1, m)))
(Sum(x[i], (i, 1, m))/m, Sum(x[i], (i, 1, m)))
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp


def log_base(base: int) -> Callable:
    """``\\log`` read in ``base``: every natural log divided by ``\\ln base``."""
    def read(lhs, rhs):
        if not (lhs.has(sp.log) or rhs.has(sp.log)):
            return None
        return tuple(e.replace(lambda a: isinstance(a, sp.log),
                               lambda a: a / sp.log(base)) for e in (lhs, rhs))
    return read


def bar_is_mean(lhs, rhs):
    """``\\bar{x}`` as the mean of the ``x_i`` the step sums from 1 to ``m``."""
    swap = {}
    both = sp.Tuple(lhs, rhs)
    for s in both.free_symbols:
        if not (isinstance(s, sp.Symbol) and s.name.endswith("bar") and len(s.name) > 3):
            continue
        letter = s.name[:-3]
        for big in both.atoms(sp.Sum):
            var, lo, hi = big.limits[0]
            if lo == 1 and any(str(ix.base.label) == letter and ix.indices == (var,)
                               for ix in big.function.atoms(sp.Indexed)):
                entry = next(ix for ix in big.function.atoms(sp.Indexed)
                             if str(ix.base.label) == letter)
                swap[s] = sp.Sum(entry, (var, 1, hi)) / hi
                break
    if not swap:
        return None
    return lhs.xreplace(swap), rhs.xreplace(swap)


@dataclass(frozen=True)
class Reading:
    """A way the prose may read a step, and the words that name it."""

    read: Callable
    says: str
    fix: str
    unit: bool = False  # a change of the log's base


READINGS: tuple[Reading, ...] = (
    Reading(log_base(2), r"\log is base 2", r"writing \log_2 would settle it", True),
    Reading(log_base(10), r"\log is base 10", r"writing \log_{10} would settle it", True),
    Reading(bar_is_mean, r"each \bar{x} is the mean of the x_i",
            r"a hint such as \bar{x} := \frac{1}{m}\sum_{i=1}^{m} x_i would settle it"),
)


__all__ = ["READINGS", "Reading", "bar_is_mean", "log_base"]
