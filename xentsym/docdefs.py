"""The names a document defines (``L``, ``J(w)``, ``P(Y | beta)``) and how later steps use them."""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from .bound import rename_apart
from .doctable import DocTable
from .read.kronecker import kronecker
from .functions import (BinaryCrossEntropy, CrossEntropy, Entropy, InformationContent,
                        KLDivergence, Sigmoid, unfold_all)
from .parse import Objective

INFORMATION = (Entropy, CrossEntropy, KLDivergence, InformationContent, BinaryCrossEntropy)
MAX_NESTING = 8  # definitions that use earlier ones are written out this deep, never forever



@dataclass(frozen=True)
class FunctionDef:
    """``P(Y | beta) = body``: a name applied to parameters."""

    name: str
    params: tuple
    body: sp.Expr


@dataclass
class Known:
    """A defined name: its latest body and the line that stated it."""

    body: object  # sp.Expr or Objective
    line: int
    name: object = None  # the left side that was defined (for "L as line 3 defines it")


def is_name(e) -> bool:
    r"""What a new definition may name: a plain symbol, an unknown function of names, or
    the entry of a family at free indices (``\ell_i``, ``\hat{y}_k``)."""
    if isinstance(e, sp.Symbol):
        return not e.is_integer
    if isinstance(e, sp.Indexed):
        return all(isinstance(i, sp.Symbol) and i.is_integer for i in e.indices) and \
            len(set(e.indices)) == len(e.indices)
    return isinstance(e, AppliedUndef) and all(
        isinstance(a, (sp.Symbol, sp.Indexed, sp.IndexedBase)) for a in e.args)


def is_call(e) -> bool:
    r"""A function applied to arguments that a document may define: an unknown one (``J(w)``)
    or a conventional one it gives its own meaning (``H(A_i, Y_i) := -\sum_c ...``)."""
    return isinstance(e, (AppliedUndef, *INFORMATION))


def redefines(lhs, rhs) -> bool:
    r"""``lhs = rhs`` gives a conventional name (H, D_KL ...) a meaning of the document's own:
    the name applied to entries or scalars, and a body that does not use it and reads an
    argument at another rank than it was given
    (``H(A_i, Y_i) = -\sum_c Y_{ic} \log \sigma(A_{ic})``: an entry of A as argument, a
    row of A in the body). Any other body is a claim about the
    usual meaning, to be checked (variables the reader cannot relate to the arguments, as
    in ``H(X) = -E_{x \sim P}[\log p(x)]``, leave it unproven, not redefined).

    >>> from xentsym.functions import Entropy
    >>> p, A = sp.IndexedBase("p"), sp.IndexedBase("A")
    >>> i, k = sp.symbols("i k", integer=True)
    >>> redefines(Entropy(p), -sp.Sum(p[k] * sp.log(p[k]), (k, 1, 3)))
    False
    >>> redefines(Entropy(A[i]), -sp.Sum(A[i, k] * sp.log(A[i, k]), (k, 1, 3)))
    True
    """
    if not (isinstance(lhs, INFORMATION) and isinstance(rhs, sp.Expr)
            and not rhs.has(lhs.func)
            and all(is_name(a) for a in lhs.args)):
        return False  # H(p), H(Y | X): whole distributions, as the usual meaning takes them
    ranks: dict = {}
    for x in rhs.atoms(sp.Indexed):
        ranks.setdefault(x.base.label, set()).add(len(x.indices))
    for x in rhs.free_symbols:
        if isinstance(x, sp.Symbol) and x not in ranks:
            ranks.setdefault(x, set()).add(0)

    given = [(ranks.get(a.base.label, set()), len(a.indices)) if isinstance(a, sp.Indexed)
             else (ranks.get(a, set()), 0) for a in lhs.args]
    return all(ranks for ranks, _ in given) and any(rank not in ranks for ranks, rank in given)


def name_key(lhs) -> str:
    """The key of a defined name, from what was read (``(R)``, ``{R}`` and ``R + 0`` are R)."""
    return sp.srepr(lhs)


def mentions(body, name) -> bool:
    """A body that uses its own name (``L = 2 L``) is an equation, not a definition."""
    body = body.expr if isinstance(body, Objective) else body
    if isinstance(name, AppliedUndef):
        return name in body.atoms(AppliedUndef)
    if isinstance(name, sp.Indexed):
        return any(ix.base.label == name.base.label for ix in body.atoms(sp.Indexed))
    return name in body.free_symbols


class Definitions:
    """The document's defined names, keyed by the left side as written."""

    def __init__(self, table: DocTable):
        self.table = table
        self.known: dict[str, Known] = {}
        self.functions: list[FunctionDef] = []
        self.symbols: dict = {}  # beta -> p_theta[i]
        self.families: dict = {}  # label -> (indices, body): ell_i -> log(1 + e^{z_i})
        # Information in another unit: H, H(p, q), D_KL and I times this factor (1/ln 2 for
        # bits), once the document defines one of them with log_2.
        self.unit: sp.Expr = sp.Integer(1)
    def learn(self, lhs, body, key: str, line: int) -> None:
        """Remember ``lhs := body``, replacing what the name meant before."""
        self.forget(lhs)
        self.known[key] = Known(body, line, lhs)
        if isinstance(body, Objective):
            return
        if is_call(lhs):
            self.functions.append(FunctionDef(str(lhs.func), lhs.args, body))
        elif isinstance(lhs, sp.Indexed):
            self.families[str(lhs.base.label)] = (lhs.indices, body)
        elif isinstance(lhs, sp.Symbol):
            self.symbols[lhs] = body
            entries = vector_entries(lhs, body)
            if entries is not None:
                self.families[lhs.name] = entries

    def forget(self, lhs) -> None:
        if isinstance(lhs, (sp.Indexed, sp.Symbol)):
            label = lhs.base.label if isinstance(lhs, sp.Indexed) else lhs.name
            self.families.pop(str(label), None)
        if is_call(lhs):
            self.functions = [f for f in self.functions
                              if not (f.name == str(lhs.func) and f.params == lhs.args)]
        self.symbols.pop(lhs, None)

    def fitting(self, call) -> bool:
        """Whether the document defined this function for arguments of these kinds."""
        return any(fd.name == str(call.func) and len(fd.params) == len(call.args)
                   and kinds_fit(fd.params, call.args) for fd in self.functions)

    def used(self, *exprs) -> list[Known]:
        """The definitions that writing out ``exprs`` relies on (those named in them)."""
        def named(e, name) -> bool:
            if isinstance(name, sp.Symbol):
                return name in e.free_symbols
            if isinstance(name, sp.Indexed):
                return any(x.base.label == name.base.label for x in e.atoms(sp.Indexed))
            return is_call(name) and any(
                c.func == name.func and (not isinstance(c, INFORMATION)
                                         or kinds_fit(name.args, c.args))
                for c in e.atoms(type(name)))
        latest: dict = {}  # a name defined again: the definition in force is the last
        for k in self.known.values():
            if k.name is not None and any(isinstance(e, sp.Basic) and named(e, k.name)
                                          for e in exprs):
                head = str(k.name.func) if is_call(k.name) else str(
                    k.name.base.label if isinstance(k.name, sp.Indexed) else k.name)
                if head not in latest or latest[head].line < k.line:
                    latest[head] = k
        return list(latest.values())

    def resolve(self, e):
        """``e`` with the defined functions and symbols written out."""
        if isinstance(e, Objective):
            return Objective(e.sense, e.wrt_latex, e.wrt, self.resolve(e.expr))
        e = self._bare_names(e)
        e = self._apply_functions(e)
        # A defined symbol stands for its body everywhere; a body with a free index (beta
        # = p_theta(Y = 1 | x_i)) is per sample, so inside a sum over i it takes that sample.
        # (never a derivative's variable: d/d y-hat keeps y-hat a variable)
        variables = {v for d in e.atoms(sp.Derivative) for v in d.variables}
        for _ in range(MAX_NESTING):  # loss := ... y-hat ..., y-hat := sigma(z): both
            swap = {sym: body for sym, body in self.symbols.items()
                    if sym in e.free_symbols and sym not in variables}
            if not swap:
                break
            e = e.xreplace(swap)
        e = self._entries(e)
        if not any(fam == "delta" for fam in self.families):
            e = kronecker(e)
        if self.unit != 1:
            e = e.replace(lambda q: isinstance(q, INFORMATION), lambda q: self.unit * q)
        return e

    def unfold_defined(self, e):
        """D_KL(p || u) with u_k := 1/K written out (under the step's scope, so over the
        step's sizes), so the entries of u take their values."""
        e = e.replace(lambda q: isinstance(q, INFORMATION) and any(
            str(a.label) in self.families for a in q.args if isinstance(a, sp.IndexedBase)),
            lambda q: unfold_all(q))
        return self._entries(e)

    def _entries(self, e):
        """ell_j -> the body of ell_i with i replaced by j, for each defined family."""
        for _ in range(MAX_NESTING):
            def entry(ix):
                indices, body = self.families[str(ix.base.label)]
                return body.xreplace(dict(zip(indices, ix.indices)))
            new = e.replace(lambda ix: isinstance(ix, sp.Indexed) and len(ix.indices) == len(
                self.families.get(str(ix.base.label), ((),))[0]), entry)
            if new == e:
                break
            e = new
        return e

    def _bare_names(self, e):
        r"""A defined function named without its arguments (``\partial f / \partial x`` after
        ``f(x, y) := ...``) is that function of its own parameters; ``d\sigma / dz`` is the
        logistic function of the variable."""
        swap = {}
        for fd in self.functions:
            sym = next((s for s in e.free_symbols if isinstance(s, sp.Symbol)
                        and s.name == fd.name), None)
            if sym is not None and sym not in self.symbols:
                swap[sym] = fd.body
        if swap:
            e = e.xreplace(swap)

        def sigma(d):
            return sp.Derivative(Sigmoid(d.variables[0]), *d.variable_count)
        return e.replace(lambda d: isinstance(d, sp.Derivative) and len(set(d.variables)) == 1
                         and isinstance(d.expr, sp.Symbol) and d.expr.name == "sigma"
                         and not any(f.name == "sigma" for f in self.functions), sigma)

    def _apply_functions(self, expr):
        """P(Y = y_i | beta) -> the body of P(Y | beta) with Y replaced by y_i."""
        def score(fd, args):
            hits = 0
            for param, arg in zip(fd.params, args):
                same = self.table.meaning(*_key(param)).domain == \
                    self.table.meaning(*_key(arg)).domain
                hits += (param == arg) * 2 + same
            recursive = any(str(c.func) == fd.name for c in fd.body.atoms(AppliedUndef))
            return (hits, not recursive)

        def expand(call):
            fits = [fd for fd in self.functions
                    if fd.name == str(call.func) and len(fd.params) == len(call.args)]
            conventional = isinstance(call, INFORMATION)
            if conventional:  # H(p, q) keeps its usual meaning next to the document's H(A_i, Y_i)
                fits = [fd for fd in fits if kinds_fit(fd.params, call.args)]
            if not fits:
                return call
            best = max(fits, key=lambda fd: score(fd, call.args))
            swap = binding(best.params, call.args)
            if swap is None:  # H(A_1, Y_2) against H(A_i, Y_i): no meaning the text gives,
                # so an arbitrary function of its arguments (as an undefined name is)
                return sp.Function(latex_name(call))(*call.args) if conventional else call
            # the body's own sums kept apart from the arguments (H(A_c, Y_c), sum over c)
            used = {s for a in call.args for s in a.free_symbols if isinstance(s, sp.Symbol)}
            return rename_apart(best.body, avoid=used).xreplace(swap)
        for _ in range(MAX_NESTING):
            new = expr.replace(is_call, expand)
            if new == expr:
                break
            expr = new
        return expr


def kinds_fit(params, args) -> bool:
    """Whether each argument is of its parameter's kind: an entry of as many indices for an
    entry, a family for a family, anything else for a scalar."""
    for param, arg in zip(params, args):
        if isinstance(param, sp.Indexed):
            if not (isinstance(arg, sp.Indexed) and arg.rank == param.rank):
                return False
        elif isinstance(param, sp.IndexedBase) != isinstance(arg, sp.IndexedBase):
            return False
    return True


def latex_name(call) -> str:
    """The name of a conventional function as a document writes it (H, D_KL ...)."""
    from .render.printer import latex
    return latex(call).split("\\left", 1)[0].split("(", 1)[0].strip() or type(call).__name__


def binding(params, args) -> dict | None:
    """What a function's body needs replaced to take ``args`` for its ``params``. An entry
    parameter (``A_i``) binds its index and family, so the body's ``A_{ic}`` becomes ``A_{1c}``
    for the argument ``A_1``. Indices bound two ways (``A_1, Y_2`` for ``A_i, Y_i``) give
    None: the text gives the call no meaning.

    >>> A, B, i = sp.IndexedBase("A"), sp.IndexedBase("B"), sp.Symbol("i", integer=True)
    >>> binding((A[i],), (B[1],))
    {i: 1, A: B}
    >>> binding((A[i], B[i]), (A[1], B[2])) is None
    True
    """
    swap: dict = {}
    for param, arg in zip(params, args):
        if isinstance(param, sp.Indexed) and isinstance(arg, sp.Indexed) and \
                param.rank == arg.rank and all(isinstance(i, sp.Symbol) for i in param.indices):
            pairs = dict(zip(param.indices, arg.indices))
            if param.base != arg.base:
                pairs[param.base] = arg.base
            if not all(swap.get(k, v) == v for k, v in pairs.items()):
                return None
            swap.update(pairs)
            continue
        swap[param] = arg
    return swap


def vector_entries(name, body) -> tuple | None:
    r"""``(indices, body)`` when ``name := body`` names a vector: ``\hat{y} :=
    \operatorname{softmax}(z)`` is read entry by entry (at a free index ``j``), so ``\hat{y}_k``
    is that body at ``k``. None for a scalar body (no free index, or more than one).

    >>> from xentsym.read.lecture_preset import index_symbol
    >>> j = index_symbol("j")
    >>> vector_entries(sp.Symbol("yhat"), sp.exp(sp.IndexedBase("z")[j]))
    ((j,), exp(z[j]))
    >>> vector_entries(sp.Symbol("c"), sp.Integer(3)) is None
    True
    """
    if isinstance(name, sp.Indexed) and is_name(name):
        return tuple(name.indices), body  # y-hat_k = ...: every entry, at its own index
    if not isinstance(name, sp.Symbol) or not isinstance(body, sp.Expr):
        return None
    # the entry's index is a subscript (z_j); a size (K) only bounds sums
    subscripts = {ix for e in body.atoms(sp.Indexed) for ix in e.indices}
    free = [s for s in body.free_symbols if s in subscripts and s.is_integer]
    return ((free[0],), body) if len(free) == 1 else None


def entries_of(expr, name, body):
    """``expr`` with the entries of the vector ``name := body`` written out (see
    :func:`vector_entries`); ``expr`` unchanged when ``body`` is a scalar."""
    entries = vector_entries(name, body)
    if entries is None or not isinstance(expr, sp.Basic):
        return expr
    indices, value = entries
    label = str(name.base.label) if isinstance(name, sp.Indexed) else name.name
    return expr.replace(
        lambda ix: isinstance(ix, sp.Indexed) and str(ix.base.label) == label
        and len(ix.indices) == len(indices),
        lambda ix: value.xreplace(dict(zip(indices, ix.indices))))


def _key(e) -> tuple:
    if isinstance(e, sp.Indexed):
        return (str(e.base.label), True)
    return (str(e), False)


__all__ = ["Definitions", "FunctionDef", "Known", "binding", "entries_of", "is_call", "is_name",
           "mentions", "name_key", "redefines", "vector_entries"]
