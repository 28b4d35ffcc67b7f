r"""Functions a document never defines (``P(x_i \mid \theta)``), checked as arbitrary ones.

``\log \prod_i P(x_i \mid \theta) = \sum_i \log P(x_i \mid \theta)`` holds whatever ``P``
is. Each distinct application of an undefined function is replaced by a value of its own:
a family indexed by the indices among its arguments (``P(x_i, \theta)`` becomes entry ``i``
of one family, so ``P(x_j, \theta)`` is entry ``j`` of the same one), else a symbol. Nothing
is assumed about those values, so a step that holds for all of them holds for every
function: it may be *verified*. The converse needs care: two applications the text keeps
apart could have equal arguments at a sample, which no function could make differ. When the
arguments are made only of indices and of names nothing else in the step uses
(:func:`separable`), they can be chosen apart, so a witness is one some function realises
and a failure is a refutation; otherwise the caller reports it as unproven.

>>> P, theta = sp.Function("P"), sp.Symbol("theta")
>>> i = sp.Symbol("i", integer=True, positive=True)
>>> x = sp.IndexedBase("x")
>>> left, right, names = abstract_calls(sp.log(P(x[i], theta)), sp.log(P(x[i], theta)))
>>> left == right, names
(True, ['P'])
"""
from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

_HOLE = sp.Symbol("_")  # where an index stood, in the label of an application's family


def _indices(call) -> list:
    """The integer symbols among the arguments, in order of appearance."""
    seen: list = []
    for arg in call.args:
        for s in sorted(arg.free_symbols, key=sp.default_sort_key):
            if s.is_integer and s not in seen:
                seen.append(s)
    return seen


def _value(call) -> sp.Expr:
    """The stand-in for one application: an entry of its family, or a symbol."""
    indices = _indices(call)
    if len(call.args) == 1 and call.args[0] in indices:
        # \hat{p}(x) over the outcomes x: entry x of the family \hat{p} (that H and D_KL take)
        return sp.IndexedBase(str(call.func))[call.args[0]]
    holes = call.xreplace({s: _HOLE for s in indices})
    label = sp.sstr(holes)
    if indices:
        return sp.IndexedBase(label)[tuple(indices)]
    return sp.Symbol(label, real=True)


def one_sided(left, right) -> str | None:
    """The name of an undefined function written on one side only (its meaning is then
    the whole question), or applied under a derivative by one of its arguments."""
    names = [{str(c.func) for c in side.atoms(AppliedUndef)} for side in (left, right)]
    # a name called on one side may be a family on the other: \hat{p}(x) and D_KL(\hat{p} || q)
    labels = {str(b.label) for side in (left, right) for b in side.atoms(sp.IndexedBase)}
    for name in sorted((names[0] ^ names[1]) - labels):
        return name
    for side in (left, right):
        for d in side.atoms(sp.Derivative):
            for call in d.expr.atoms(AppliedUndef):
                if any(v in call.free_symbols or v in call.atoms(sp.Indexed)
                       for v in d.variables):
                    return str(call.func)
    return None


def separable(left, right) -> bool:
    """Whether every application's arguments can be chosen apart: they use only indices
    and names (symbols, families) that appear nowhere in the step outside applications."""
    calls = left.atoms(AppliedUndef) | right.atoms(AppliedUndef)
    outside = [side.xreplace({c: sp.Integer(0) for c in calls}) for side in (left, right)]
    used = set().union(*(e.free_symbols for e in outside))
    families = {b.label for e in outside for b in e.atoms(sp.IndexedBase)}
    for call in calls:
        for arg in call.args:
            if any(s in used and not s.is_integer for s in arg.free_symbols
                   if isinstance(s, sp.Symbol)):
                return False
            if any(b.label in families for b in arg.atoms(sp.IndexedBase)):
                return False
    return True


def abstract_calls(left, right) -> tuple:
    """``(left, right, names)`` with every application of an undefined function replaced by
    its own value (see the module docstring); ``names`` the functions replaced."""
    calls = left.atoms(AppliedUndef) | right.atoms(AppliedUndef)
    swap = {c: _value(c) for c in calls}
    names = sorted({str(c.func) for c in calls})
    return left.xreplace(swap), right.xreplace(swap), names


__all__ = ["abstract_calls", "one_sided", "separable"]
