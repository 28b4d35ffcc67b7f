r"""check-doc's symbol table: what each name of one document means, and where it lives.

The reader (``parse``) turns LaTeX into an expression over *names*. This module gives those
names their meaning for one document, from three sources, in this order:

1. a **declaration** in the document (a hint such as ``\theta \in (0, 1)``), from the line
   where it stands to the end of the file;
2. the field's **conventions**, one table (``CONVENTIONS``) that the README prints: sizes,
   labels, predicted probabilities, probability mass functions, indices;
3. otherwise the **natural domain**: the symbol is real, and the numeric check samples it
   only where the earlier side of the step is defined.

No letter carries the meaning another document (or the lecture's derivation scripts) gave
it: ``q``, ``x``, ``\beta`` are plain reals here unless this document says otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from . import conditions as cond
from . import domains as D
from . import notation as nt
from .bound import derivative_indices
from .functions import CrossEntropy, Entropy, KLDivergence, unfold_all
from .notation import Declaration, Label, Scope
from .read.ranges import RangeSize

@dataclass(frozen=True)
class Convention:
    """A name's conventional meaning: its domain and why (printed in the README)."""

    name: str  # the reader's name: a symbol's name or a family's label
    family: bool  # True for an indexed family (y_i), False for a scalar (N)
    domain: D.Domain
    why: str


def _index_domain() -> D.Domain:
    return getattr(D, "INDEX", D.SIZE)


CONVENTIONS: tuple[Convention, ...] = (
    Convention("N", False, D.SIZE, "N counts samples"),
    Convention("K", False, D.SIZE, "K counts classes"),
    Convention("n", False, D.SIZE, "n counts outcomes"),
    Convention("y", True, D.LABEL, "y_i, y^{(i)} are labels"),
    Convention("yk", True, D.ONE_HOT, "y_{(i,k)} is a one-hot label row"),
    Convention("yhat", True, D.PROBABILITY, r"\hat{y}_i is a predicted probability"),
    Convention("yhat", False, D.PROBABILITY, r"\hat{y} is a predicted probability"),
    Convention("yhatk", True, D.DISTRIBUTION, r"\hat{y}_{(i,k)} is a predicted class distribution"),
    Convention("p_theta", True, D.PROBABILITY, r"p_\theta(\cdot) is a model probability"),
    Convention("p_0", False, D.PROBABILITY, "p(x_0) is the probability of an event"),
)
# p(x_i), q(x_i): a probability mass function over the outcomes when written as one.
PMF_CONVENTION = "p(x_i), q(x_i) are probability mass functions over the outcomes"
_PMF_USE = re.compile(r"(?<![A-Za-z\\])([pq])\s*\(\s*x")
# P(x_i | theta), q_theta(x_i) left undefined: the probability a model gives one sample
# (the label of the family that stands for its values, see xentsym.uninterpreted).
MODEL_CALL_CONVENTION = r"P(x_i | \theta), q_\theta(x_i) are probabilities of single samples"
_MODEL_CALL = re.compile(r"[pqPQ](_\w+)?\(")


@dataclass(frozen=True)
class Meaning:
    """Where one name lives in this document, and what said so."""

    domain: D.Domain
    source: str  # "declared at line 12", "convention: ...", "natural domain"
    over: tuple = ()  # declared axis sizes of a family, outermost first


class DocTable:
    """The names of one document and their meanings, built up while the document is read."""

    def __init__(self, text: str = ""):
        self.declared: dict[tuple[str, bool], Meaning] = {}
        # Families the document writes as probability mass functions, p(x_i).
        self.pmfs = {m.group(1) for m in _PMF_USE.finditer(text)}
        self.sizes: set[str] = set()  # names used as the upper limit of a sum or product
        self.measured: set[str] = set()  # families H, H(p, q) or D_KL are taken of

    def declare(self, name: str, family: bool, domain: D.Domain, line: int, over=()) -> None:
        """A declaration from the document, in force from now on."""
        # A size named in a hint (over K) is the size symbol K, never text to be read later.
        over = tuple(sp.Symbol(o, **D.SIZE.assumptions) if isinstance(o, str) else o
                     for o in over)
        self.declared[(name, family)] = Meaning(domain, f"declared at line {line}", over)

    def declared_scope(self) -> Scope:
        """The families declared with their axes (``p, q: distributions over K``), so H(p)
        and D_KL(p||q) unfold over K before the full scope of a step exists."""
        return Scope([Declaration(sp.IndexedBase(Label(name)), m.domain, m.over)
                      for (name, _), m in self.declared.items() if m.over])  # axes: a family

    def meaning(self, name: str, family: bool) -> Meaning:
        """The meaning of a name: declared, else conventional, else natural."""
        found = self.declared.get((name, family)) or self.declared.get((name, not family))
        if found is not None:
            return found
        if not family and name in self.sizes and name not in ("N", "K", "n"):
            return Meaning(D.SIZE, "a size: it bounds a sum or product")
        if family and name in self.pmfs:
            return Meaning(D.DISTRIBUTION, "convention: " + PMF_CONVENTION)
        if family and name in self.measured:
            return Meaning(D.DISTRIBUTION, "convention: H, H(p, q) and D_KL take distributions")
        if family and _MODEL_CALL.match(name):
            return Meaning(D.PROBABILITY, "convention: " + MODEL_CALL_CONVENTION)
        for c in CONVENTIONS:
            if c.name == name and c.family == family:
                return Meaning(c.domain, "convention: " + c.why)
        return Meaning(D.NATURAL, "natural domain")

    # ------------------------------------------------------------------ binding

    def bind(self, expr: sp.Basic) -> sp.Basic:
        """``expr`` with every name rebuilt to carry exactly this document's assumptions.

        The reader's symbols may carry assumptions of the lecture's notation (``q``
        positive); a document's ``q`` is whatever this table says.
        """
        if not isinstance(expr, sp.Basic):
            return expr
        expr = self.ranges(expr)
        self.measured |= {str(a.label) for q in expr.atoms(Entropy, CrossEntropy, KLDivergence)
                          for a in q.args if isinstance(a, sp.IndexedBase)}
        for big in expr.atoms(sp.Sum, sp.Product):
            self.sizes |= {lim[2].name for lim in big.limits
                           if len(lim) == 3 and isinstance(lim[2], sp.Symbol)}
        swap: dict = {}
        for fam in expr.atoms(sp.IndexedBase):  # also the arguments of H(p), D_KL(p||q)
            label = fam.label
            dom = self.meaning(str(label), True).domain
            swap[fam] = sp.IndexedBase(Label(str(label), **dom.assumptions), **dom.assumptions)
        for s in scalar_symbols(expr):
            if isinstance(s, Label) or \
                    (s.is_integer and s.name not in self.sizes):
                continue  # integer symbols are indices and sizes, already typed by the reader
            dom = self.meaning(s.name, False).domain
            swap[s] = sp.Symbol(s.name, **dom.assumptions)
        return expr.xreplace(swap) if swap else expr

    def ranges(self, expr: sp.Basic) -> sp.Basic:
        """``expr`` with the range of each unbounded sum (``\\sum_i``, size ``N_i``) set to the
        size this document gives the families it runs over, when it gives exactly one: a
        declared size (``p, q: distributions over K``), else ``n`` for probability mass
        functions (``p(x_i)``) and the distributions of ``H``, ``H(p, q)``, ``D_{KL}``, whose
        sums run over ``n`` too. Otherwise the range keeps its own size ``N_i``."""
        if not expr.has(RangeSize):
            return expr
        quantities = {str(a.label) for q in expr.atoms(Entropy, CrossEntropy, KLDivergence)
                      for a in q.args if isinstance(a, sp.IndexedBase)}

        def size_of(big):
            limits = []
            for var, lo, hi in big.limits:
                if isinstance(hi, RangeSize):
                    found = set()
                    for ix in big.function.atoms(sp.Indexed):
                        label = str(ix.base.label)
                        for axis, idx in enumerate(ix.indices):
                            if idx != var:
                                continue
                            m = self.declared.get((label, True)) or \
                                self.declared.get((label, False))
                            if m is not None and len(m.over) > axis:
                                found.add(m.over[axis])
                            elif label in self.pmfs or label in quantities:
                                found.add(nt.n)
                            else:
                                found.add(hi)
                    if len(found) == 1:
                        hi = found.pop()
                limits.append((var, lo, hi))
            return big.func(big.function, *limits)

        return expr.replace(lambda e: isinstance(e, (sp.Sum, sp.Product)) and any(
            isinstance(lim[2], RangeSize) for lim in e.limits), size_of)

    def scope(self, exprs, outcomes=None) -> tuple[Scope, list[str]]:
        """A scope declaring every name of ``exprs``, and the assumptions it makes, as text;
        ``outcomes``: the size that distributions no sum of the step ranges over take."""
        written = list(exprs)  # the sums the text wrote say what H(p), D_KL(p||q) run over
        with cond.using_scope(self.declared_scope()):
            exprs = [unfold_all(e) for e in exprs]
        decls, said = [], []
        families = sorted({b for e in exprs for b in e.atoms(sp.IndexedBase)},
                          key=sp.default_sort_key)
        for fam in families:
            m = self.meaning(str(fam.label), True)
            over = m.over or _axes(fam, written) or (
                (outcomes,) if outcomes is not None and _measured(fam, written) else ()) or \
                _axes(fam, exprs)
            decls.append(Declaration(fam, m.domain, over))
            said.append(_describe(f"{fam.label}_i", m))
        # d/dw_j: a step whose other side lacks j is still a statement for every j
        symbols = sorted({s for e in exprs for s in scalar_symbols(e) | derivative_indices(e)},
                         key=sp.default_sort_key)
        subscripts = {ix for e in exprs for entry in e.atoms(sp.Indexed) for ix in entry.indices}
        bounds = {x for e in exprs for big in e.atoms(sp.Sum, sp.Product) for lim in big.limits
                  for x in lim[2].free_symbols}
        for s in symbols:
            if isinstance(s, RangeSize):
                m = Meaning(D.SIZE, "the length of a range the text does not bound")
            elif s.is_integer:
                m = self.meaning(s.name, False)
                # a size elsewhere in the document, but a subscript here (z_k) and no bound
                # of this step's sums: here it is an index
                here = m.source.startswith("a size: it bounds") and s in subscripts and \
                    s not in bounds
                if m.source == "natural domain" or here:
                    m = Meaning(_index_domain(), "an index: a positive integer")
            else:
                m = self.meaning(s.name, False)
            decls.append(Declaration(s, m.domain))
            said.append(_describe(s.name, m))
        return Scope(decls), said


def _measured(fam, exprs) -> bool:
    """Whether ``fam`` is an argument of H, H(p, q) or D_KL in ``exprs``."""
    return any(fam in q.args for e in exprs
               for q in e.atoms(Entropy, CrossEntropy, KLDivergence))


def scalar_symbols(expr) -> set:
    """Free symbols that stand on their own, not as the label of a family (p in p_i)."""
    out, stack = set(), [expr]
    while stack:
        e = stack.pop()
        if isinstance(e, sp.IndexedBase):
            continue
        if isinstance(e, sp.Symbol):
            out.add(e)
        else:
            stack.extend(e.args)
    return out & expr.free_symbols


def _describe(name: str, m: Meaning) -> str:
    words = D.words(m.domain)
    if m.source == "natural domain":
        return f"{name} real (natural domain: the document declares none)"
    return f"{name} {words} ({m.source})"


def _is_range(size) -> bool:
    """Whether a size is the own range of an unbounded sum (``N_i``): a size the document
    gives the same axis elsewhere is preferred to it."""
    return isinstance(size, RangeSize) or (isinstance(size, sp.Symbol) and
                                            re.fullmatch(r"N_[A-Za-z]", size.name) is not None)


def _axes(fam: sp.IndexedBase, exprs) -> tuple:
    """Axis sizes of a family, read off the sums that run over its indices."""
    found: dict[int, sp.Expr] = {}

    def walk(e, bounds: dict):
        if isinstance(e, (sp.Sum, sp.Product)):
            inner = dict(bounds)
            for lim in e.limits:
                if len(lim) == 3:
                    inner[lim[0]] = lim[2]
            walk(e.function, inner)
            for lim in e.limits:
                for part in lim[1:]:
                    walk(part, bounds)
            return
        if isinstance(e, sp.Indexed) and e.base.label == fam.label:
            for axis, idx in enumerate(e.indices):
                size = bounds.get(idx)
                if size is None and idx.is_Integer:
                    size = idx
                old = found.get(axis)
                if size is None:
                    continue
                if old is None or (old.is_Integer and not size.is_Integer) or \
                        (old.is_Integer and size.is_Integer and size > old) or \
                        (_is_range(old) and not size.is_Integer and not _is_range(size)):
                    found[axis] = size
        for a in e.args:
            walk(a, bounds)

    rank = 0
    for e in exprs:
        walk(e, {})
        rank = max([rank] + [len(ix.indices) for ix in e.atoms(sp.Indexed)
                             if ix.base.label == fam.label])
    return tuple(found.get(a, sp.Integer(1)) for a in range(rank))


__all__ = ["CONVENTIONS", "Convention", "DocTable", "Meaning"]
