"""The lecture's symbols, each declared with its domain and the sizes of its index axes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

import sympy as sp

from .domains import (DISTRIBUTION, INDEX, LABEL, ONE_HOT, PROBABILITY, REAL, SIZE, Domain)
from .errors import DomainError


class Label(sp.Symbol):
    """The label of an indexed family: never equal to a scalar symbol of the same name.

    The label carries the family's assumptions, which survive pickling (the worker process)
    where an ``IndexedBase``'s own assumptions do not.
    """


@dataclass(frozen=True)
class Declaration:
    """One symbol (or indexed family) with its domain and the sizes of its index axes."""

    obj: sp.Basic  # a Symbol or an IndexedBase
    domain: Domain
    over: tuple = ()  # size symbols of the index axes, outermost first; an index: its range
    meaning: str = ""

    @property
    def range(self) -> tuple | None:
        """(1, size) for an index declared over a size (j over 1..d), else None."""
        if self.domain == INDEX and len(self.over) == 1:
            return (sp.Integer(1), sp.sympify(self.over[0]))
        return None


class Scope:
    """A lookup table from symbols and indexed families to their declarations."""

    def __init__(self, declarations: Iterable[Declaration] = ()):
        self._table: dict[sp.Basic, Declaration] = {}
        for d in declarations:
            self._table[d.obj] = d

    def declare(self, obj, domain: Domain, over=(), meaning: str = "") -> sp.Basic:
        """Add (or replace) a declaration and return the object."""
        self._table[obj] = Declaration(obj, domain, tuple(over), meaning)
        return obj

    def extended(self, declarations: Iterable[Declaration]) -> "Scope":
        """A new scope with these declarations added on top of this one."""
        return Scope([*self._table.values(), *declarations])

    def lookup(self, atom: sp.Basic) -> Declaration | None:
        """The declaration of a Symbol, an IndexedBase or an Indexed (through its base)."""
        if isinstance(atom, sp.Indexed):
            atom = atom.base
        found = self._table.get(atom)
        if found is None and isinstance(atom, sp.IndexedBase):
            # SymPy rebuilds an IndexedBase without its assumptions (doit, subs): match the label.
            found = self._by_label().get(str(atom.label))
        return found

    def _by_label(self) -> dict:
        # Keyed by the label's name: the reader's families carry plain labels.
        return {str(d.obj.label): d for d in self._table.values()
                if isinstance(d.obj, sp.IndexedBase)}

    def canonical(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with every indexed family replaced by the declared object of that label."""
        labels = self._by_label()
        swap = {}
        for ix in expr.atoms(sp.Indexed):
            decl = labels.get(str(ix.base.label))
            if decl is not None and ix.base != decl.obj:
                swap[ix.base] = decl.obj
        return expr.xreplace(swap) if swap else expr

    def require(self, atom: sp.Basic) -> Declaration:
        """Like lookup, but a missing declaration is an error naming the symbol."""
        found = self.lookup(atom)
        if found is None:
            raise DomainError(f"symbol {atom} has no declared domain")
        return found

    def range_facts(self, symbols) -> list:
        """What the declarations say about the ranges of these index symbols, as SymPy
        predicates (Q.ge(j, 1) & Q.le(j, d)), for ``refine``."""
        facts = []
        for s in sorted(symbols, key=sp.default_sort_key):
            decl = self._table.get(s) if isinstance(s, sp.Symbol) else None
            if decl is not None and decl.range is not None:
                lo, hi = decl.range
                facts.append(sp.Q.ge(s, lo) & sp.Q.le(s, hi))
        return facts

    def __iter__(self) -> Iterator[Declaration]:
        return iter(self._table.values())

    def __contains__(self, atom) -> bool:
        return self.lookup(atom) is not None


def index(name: str) -> sp.Symbol:
    """A symbol for a free index (j, k, l): a positive integer, declared with its range as
    ``Declaration(j, INDEX, (d,))`` (j runs over 1..d) and checked for every value in it.

    >>> j = index("j")
    >>> j.is_integer, j.is_positive
    (True, True)
    """
    return sp.Symbol(name, integer=True, positive=True)


def _sym(name: str, domain: Domain) -> sp.Symbol:
    return sp.Symbol(name, **domain.assumptions)


def _family(name: str, domain: Domain) -> sp.IndexedBase:
    # No shape: a shape holding N would change under subs(N, 2) and become another family.
    # The label is a plain real symbol, so the family p is never equal to a scalar p.
    return sp.IndexedBase(sp.Symbol(name, real=True), **domain.assumptions)


# Sizes and summation indices.
N = _sym("N", SIZE)  # number of training samples
K = _sym("K", SIZE)  # number of classes
n = _sym("n", SIZE)  # number of outcomes of a random variable
i = sp.Symbol("i", integer=True, positive=True)  # sample or outcome index
k = sp.Symbol("k", integer=True, positive=True)  # class index

# Distributions p(x_i), q(x_i) over the n outcomes.
p = _family("p", DISTRIBUTION)
q = _family("q", DISTRIBUTION)

# Binary classification: labels y_i and predicted probabilities yhat_i for N samples.
y = _family("y", LABEL)
yhat = _family("yhat", PROBABILITY)
# The model probability p_theta(Y = 1 | x_i), one value per sample.
p_theta = _family("p_theta", PROBABILITY)

# Multiclass: one-hot labels y_{i,k} and predicted rows yhat_{i,k} (printed as y and yhat;
# their own names keep them apart from the binary families).
y_onehot = _family("yk", ONE_HOT)
yhat_rows = _family("yhatk", DISTRIBUTION)

# Scalars.
beta = _sym("beta", PROBABILITY)  # Bernoulli parameter p(Y = 1)
Y = _sym("Y", LABEL)  # a Bernoulli random variable's value
x = _sym("x", LABEL)  # the argument of the Bernoulli PMF f(x)
p_success = _sym("p", PROBABILITY)  # success probability of f(x)
q_failure = _sym("q", PROBABILITY)  # failure probability, defined as 1 - p
p_event = _sym("p_0", PROBABILITY)  # probability p(x_0) of one event
theta = _sym("theta", REAL)  # model parameters

LECTURE = Scope([
    Declaration(N, SIZE, meaning="number of training samples"),
    Declaration(K, SIZE, meaning="number of classes"),
    Declaration(n, SIZE, meaning="number of outcomes"),
    Declaration(p, DISTRIBUTION, (n,), "true distribution p(x_i)"),
    Declaration(q, DISTRIBUTION, (n,), "predicted distribution q(x_i)"),
    Declaration(y, LABEL, (N,), "label of sample i"),
    Declaration(yhat, PROBABILITY, (N,), "predicted probability that sample i is positive"),
    Declaration(p_theta, PROBABILITY, (N,), "model probability p_theta(Y = 1 | x_i)"),
    Declaration(y_onehot, ONE_HOT, (N, K), "one-hot label of sample i"),
    Declaration(yhat_rows, DISTRIBUTION, (N, K), "predicted class distribution of sample i"),
    Declaration(beta, PROBABILITY, meaning="Bernoulli parameter p(Y = 1)"),
    Declaration(Y, LABEL, meaning="value of a Bernoulli random variable"),
    Declaration(x, LABEL, meaning="argument of the Bernoulli PMF"),
    Declaration(p_success, PROBABILITY, meaning="success probability"),
    Declaration(q_failure, PROBABILITY, meaning="failure probability 1 - p"),
    Declaration(p_event, PROBABILITY, meaning="probability of the event x_0"),
    Declaration(theta, REAL, meaning="model parameters"),
])
