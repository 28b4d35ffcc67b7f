"""The free symbols of SymPy's sums and products, remembered per object while a command checks.

SymPy recomputes ``Sum.free_symbols`` by walking the whole sum each time it is asked, and
its assumption queries ask often (``is_number`` on every sum inside a product whose sign
is wanted): over the project's derivations these walks were 15 % of the checks' CPU.
A SymPy object never changes, so its free symbols can be kept. ``remember`` does so for
the process that calls it (the ``verify`` and ``check-doc`` commands, before their jobs
fork), not for a program that merely imports xentsym. Each answer is a new set, as SymPy's
own is: callers add to it and discard from it.
"""
from __future__ import annotations

import contextlib

_KEPT: dict = {}  # id -> (the object, kept alive so the id stays its own; its free symbols)
KEPT = 50_000  # objects remembered at most; then the memo starts again
_PATCHED: list = []


def remember() -> None:
    """From now on in this process, a sum's or product's free symbols are computed once."""
    if _PATCHED:
        return
    from sympy.concrete.expr_with_limits import ExprWithLimits
    computed = ExprWithLimits.free_symbols.fget

    def free_symbols(self):
        seen = _KEPT.get(id(self))
        if seen is not None and seen[0] is self:
            return set(seen[1])
        value = computed(self)
        if len(_KEPT) >= KEPT:
            _KEPT.clear()
        _KEPT[id(self)] = (self, frozenset(value))
        return value
    free_symbols.__doc__ = computed.__doc__
    _PATCHED.append((ExprWithLimits, ExprWithLimits.free_symbols))
    ExprWithLimits.free_symbols = property(free_symbols)


def forget() -> None:
    """SymPy's own ``free_symbols`` again, and the remembered sums let go."""
    while _PATCHED:
        cls, original = _PATCHED.pop()
        cls.free_symbols = original
    _KEPT.clear()


@contextlib.contextmanager
def remembered():
    """``remember`` for the block (and the jobs forked in it); after it, SymPy's own again,
    unless an enclosing block asked first: a program that runs a command in its own process
    keeps neither the patch nor the sums."""
    first = not _PATCHED
    remember()
    try:
        yield
    finally:
        if first:
            forget()


__all__ = ["forget", "remember", "remembered"]
