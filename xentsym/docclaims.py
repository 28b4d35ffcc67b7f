"""The claim check of check-doc: one relation between two sides read from a document.

A claim is checked under what the document knows at that line: its definitions written out,
its symbol table's domains, the ranges its sums share (``docaxes``). Before any sampling it
is decided whether the claim can be checked at all: a name on one side only, an undefined
function, a derivative of something that does not mention its variable are ``unproven``
with the reason, never a verdict.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace

import sympy as sp
from sympy.core.function import AppliedUndef

from . import conditions as cond
from .bound import derivative_indices, rename_apart
from .derivation import Step
from .docaxes import collapse_deltas, distinct_indices, unify_ranges
from .docdefs import INFORMATION, entries_of
from .domains import NATURAL, PROBABILITY, SIZE
from .doctable import scalar_symbols
from .functions import (BinaryCrossEntropy, BinaryKL, CrossEntropy, Entropy, KLDivergence,
                        unfold_all)
from .notation import Declaration, Label, Scope, index
from .parse import Objective
from .read.ranges import RangeSize
from .relations import AT_MOST, EQUAL, SAME_OPTIMUM, SWITCH_SENSE
from .render.printer import latex
from .rules import substitute
from .stepkinds import blind_derivative, is_number
from .uninterpreted import abstract_calls, one_sided, separable
from .verify import check_step, numeric_task

# Domains whose names are probabilities: the parameters of a model, and what I(.) takes.
OPTIMISER_DOMAINS = frozenset({"probability", "distribution"})
# Why a claim is unproven when one side has a variable the other lacks (checkdoc reads it).
RIGHT_ONLY = "appears on the right only"

def _one_index(lhs, rhs):
    r"""Both sides with one symbol per index name: the reader makes j in a_j an integer and
    j in \partial z_j a positive integer, and a definition written out brings its own."""
    sides = [x.expr if isinstance(x, Objective) else x for x in (lhs, rhs)]
    named: dict = {}
    for x in sides:
        for s in x.free_symbols | derivative_indices(x):
            if isinstance(s, sp.Symbol) and s.is_integer:
                named.setdefault(s.name, set()).add(s)
    # a one-letter index is read as a positive integer (the table declares it so) anyway
    one = {s: next((t for t in group if t.is_positive), None) or
           (index(s.name) if len(s.name) == 1 and s.name.islower() else None)
           for group in named.values() for s in group if not s.is_positive}
    one = {s: t for s, t in one.items() if t is not None}
    if not one:
        return lhs, rhs
    return tuple(Objective(o.sense, o.wrt_latex, o.wrt, o.expr.xreplace(one))
                 if isinstance(o, Objective) else o.xreplace(one) for o in (lhs, rhs))


def _apart(lhs, rhs):
    r"""Both sides with every sum binding an index the step does not use freely: a
    definition written out (``\ell`` with its sum over ``k``) must not capture the ``k`` of
    ``\partial / \partial 	heta_k``."""
    lhs, rhs = _one_index(lhs, rhs)
    sides = [x.expr if isinstance(x, Objective) else x for x in (lhs, rhs)]
    if not any(x.has(sp.Sum, sp.Product) for x in sides):
        return lhs, rhs
    avoid = {s for x in sides for s in x.free_symbols | derivative_indices(x)}
    out = [rename_apart(x, avoid) for x in sides]
    return tuple(Objective(o.sense, o.wrt_latex, o.wrt, x) if isinstance(o, Objective) else x
                 for o, x in zip((lhs, rhs), out))


def _has_name(e, name) -> bool:
    """Whether ``e`` uses ``name``: the symbol, or entries of the vector it names."""
    label = str(name.base.label) if isinstance(name, sp.Indexed) else name.name
    return e.has(name) or any(str(b.label) == label for b in e.atoms(sp.IndexedBase))


def atoms_of(e, integers: bool = False) -> set:
    """Indexed families and plain symbols of ``e`` (not the families' labels); sizes and free
    indices too when ``integers``."""
    if isinstance(e, Objective):
        e = e.expr
    families = {("family", str(b.label)) for b in e.atoms(sp.IndexedBase)}
    indices = derivative_indices(e)  # d/dw_j: j stays free
    return families | {s for s in scalar_symbols(e) | indices if integers or not s.is_integer}


class ClaimsMixin:
    """Checks one claim; the checker supplies ``defs``, ``table``, ``options``, ``worker``."""

    def _check(self, lhs, rhs, relation=EQUAL, given=(), swap=False,
               new_symbols=False, probe: int = 0) -> tuple:
        """(status, message, assumptions, counterexample) of ``lhs relation rhs``; with
        ``probe``, only that many numeric samples decide (``verified`` means they agree).
        ``swap``: ``lhs >= rhs``, checked as ``rhs <= lhs``; the counterexample still names
        the sides as the document writes them."""
        res = self._check_sides(lhs, rhs, relation, given, swap, new_symbols, probe)
        if res[0] in ("verified", "refuted"):  # the document's definitions it rests on
            exprs = [e.expr if isinstance(e, Objective) else e for e in (lhs, rhs)]
            res = (res[0], res[1], list(res[2]) + [
                f"{latex(k.name)} as line {k.line} defines it"
                for k in self.defs.used(*exprs)], res[3])
        cex = res[3]
        if swap and isinstance(cex, dict) and "lhs" in cex and "rhs" in cex:
            cex = {**cex, "lhs": cex["rhs"], "rhs": cex["lhs"]}
            res = res[:3] + (cex,)
        return res

    def _check_sides(self, lhs, rhs, relation, given, swap, new_symbols, probe) -> tuple:
        lhs, rhs = self.defs.resolve(lhs), self.defs.resolve(rhs)
        lhs, rhs = _apart(lhs, rhs)
        if swap:
            lhs, rhs = rhs, lhs
        lo, ro = isinstance(lhs, Objective), isinstance(rhs, Objective)
        if lo != ro:
            return "unparsed", "an optimiser (arg max/min) is compared with a value", [], None
        sense, named = None, ()
        if lo:
            relation = SAME_OPTIMUM if lhs.sense == rhs.sense else SWITCH_SENSE
            sense, named = rhs.sense, tuple(lhs.wrt) + tuple(rhs.wrt)
            lhs, rhs = lhs.expr, rhs.expr
        # only the names the step has (a value for t in a display without t changes nothing)
        opened = [unfold_all(e) for e in (lhs, rhs)]
        pairs = tuple((a, b) for a, b, _ in given if isinstance(a, (sp.Symbol, sp.Indexed))
                      and any(_has_name(e, a) for e in opened))
        # a fact the step rests on (since \sum_k y_k = 1): that expression has that value
        facts = {a: b for a, b, _ in given
                 if not isinstance(a, (sp.Symbol, sp.Indexed, sp.Ne))}
        # (i \neq k): two indices that differ, for the row it is written on
        apart = [a for a, _, _ in given if isinstance(a, sp.Ne)]
        # Unfold H, D_KL ... first, so a specialisation (n = 2) reaches their sums too.
        # (i = j): one index for another, in the derivative's variables too (_apart has
        # renamed every sum away from both)
        same = {a: b for a, b in pairs if a.is_integer and isinstance(b, sp.Symbol)
                and b.is_integer}
        if same:
            lhs, rhs = _one_index(*(e.xreplace(same) for e in (lhs, rhs)))
            pairs = tuple(p for p in pairs if p[0] not in same)
        left, right = (substitute(unfold_all(e) if pairs else e, pairs) for e in (lhs, rhs))
        for a, b in pairs:  # y-hat = softmax(z): its entries y-hat_k too
            left, right = (entries_of(e, a, b) for e in (left, right))
        if facts:
            left, right = (e.xreplace(facts) for e in (left, right))
        left, right = coins([left, right])
        events = [c for s in (left, right) for c in s.atoms(AppliedUndef)
                  if str(c.func) == "I" and len(c.args) == 1]
        if events:
            arg = latex(events[0].args[0])
            return "unproven", (f"I({arg}) is the information of an event whose probability "
                                f"the document does not give; declaring {arg} a probability "
                                f"(\\in (0, 1)) would settle it"), [], None
        name = one_sided(left, right)
        if name is not None:
            return "unproven", f"{name} is not defined in the document before this line", \
                [], None
        realisable = separable(left, right)
        left, right, arbitrary = abstract_calls(left, right)
        # An unbounded sum runs over the axis it indexes (\sum_j w_j x_j with \sum_{k=1}^d).
        (left, right), joined = unify_ranges([self.table.ranges(left), self.table.ranges(right)])
        left, right = collapse_deltas([left, right])
        # Sizes count too (H(X) <= log k with k unrelated to X), once H & co. are written out
        # over the sizes the document declared.
        outcomes = self._defined_outcomes(left, right)
        if outcomes is not None:
            # D_KL(p || u), u_k := 1/K: written out over K, so u's entries take their values
            with cond.using_scope(self.table.scope([left, right], outcomes)[0]):
                left, right = (self.defs.unfold_defined(e) for e in (left, right))
        for _ in range(2):
            earlier, later = (right, left) if swap else (left, right)  # as written
            with cond.using_scope(self.table.scope([left, right], outcomes)[0]):
                new = sorted(atoms_of(unfold_all(later), True) -
                             atoms_of(unfold_all(earlier), True), key=str)
            # H(p) <= log K: the one size the step names is the number of outcomes of p.
            if outcomes is None and len(new) == 1 and self._size(new[0]):
                outcomes = new[0]
            else:
                break
        blind = blind_derivative(left, right)
        if blind is not None:
            return "unproven", (f"the derivative of {latex(blind.expr)} with respect to "
                                f"{latex(blind.variables[0])}: it does not mention the variable, "
                                f"so it depends on it only through what the text says; the "
                                f"document must define it"), [], None
        # A name the document declared (p, q: distributions over K) is a variable of the
        # claim, not something left undefined.
        new = [a for a in new if not self._declared(a)]
        # A bound by a number (L >= 0) has nothing on one side: nothing is left undefined.
        if new and not new_symbols and not (relation == AT_MOST and is_number(left)):
            name = _show(new[0], right)
            return "unproven", (f"{name} {RIGHT_ONLY} and the document does not define it; a hint such as {self._hint_example(name)} "
                                f"would settle it"), [], None
        # The range of an unbounded sum (N_i in \sum_i) is known only to the prose.
        ranges = {r.name for e in (left, right) for r in e.atoms(RangeSize)}
        left, right = self.table.bind(left), self.table.bind(right)
        scope, said = self.table.scope([left, right], outcomes if not new else None)
        if outcomes is not None and not new:
            said.append(f"the distributions run over {latex(outcomes)} outcomes (the size the "
                        f"step names)")
        said += [f"the sum over {r.name.split('_', 1)[-1]} runs over the same range as "
                 f"{latex(size)} (they index the same axis)" for r, size in joined]
        wrt = ()
        if relation.is_optimiser:
            # The subscript names the parameters (arg max over theta); when they appear only
            # through the model's probabilities (y-hat depends on theta), those are optimised.
            wrt = tuple(self.table.bind(w) for w in named if isinstance(w, sp.Symbol)
                        and self.table.bind(w) in (left.free_symbols | right.free_symbols))
            wrt = wrt or self._parameters(left, right, named)
            if not wrt:
                return "unproven", "no model parameters found to optimise over", said, None
        said = said + [f"{latex(a)}{'' if isinstance(a, sp.Ne) else ' = ' + latex(b)} "
                       f"(line {ln})" for a, b, ln in given]
        if apart:
            left, right = (distinct_indices(e, apart, scope) for e in (left, right))
        step = Step(1, left, right, relation, "claim", "", "", (), (), wrt, sense)
        if probe:
            num = numeric_task(step, scope, replace(self.options, samples=probe))
            return ("verified" if num.status == "passed" else "refuted"), "", said, None
        result = check_step(step, scope, self.options, self.worker)
        if apart and result.status == "refuted":
            result = self._apart_witness(step, scope, apart, result)
        self.strict = bool(getattr(result.symbolic, "strict", False))
        said += list(result.assumptions)
        dropped = self._left_only(left, right, ranges) if result.status == "refuted" else []
        unbounded = [d for d in dropped if d.name in ranges]
        if unbounded:
            index = unbounded[0].name.split("_", 1)[-1]
            return "unproven", (f"the sum over {index} has no bounds and the step depends on "
                                f"how many terms it has; writing them "
                                f"(\\sum_{{{index}=1}}^{{...}}) would settle it"), said, None
        if dropped:
            # Notes often plug in values the prose gives (n_H = 9): refuting the identity in
            # those symbols would be true but not what the author claimed.
            names = ", ".join(latex(d) for d in dropped)
            cex = result.numeric.counterexample
            return "unproven", (f"{names} appear(s) on the left only; if the text fixes "
                                f"{'them' if len(dropped) > 1 else 'it'}, a hint such as "
                                f"{self._hint_example(latex(dropped[0]))} would settle it"
                                + (f" (as an identity in {names} it fails: counterexample "
                                   f"{json.dumps(cex)})" if cex else "")), said, None
        cex = result.numeric.counterexample
        shown = f" (counterexample {json.dumps(cex)})" if cex else ""
        if arbitrary:
            said.append(f"{', '.join(arbitrary)}: not defined in the document, so checked as "
                        f"an arbitrary function")
            # The model's probabilities as the optimised values are free by design: a ranking
            # witness over them is one the text allows (as for y-hat_i).
            free = relation.is_optimiser and all(
                any(isinstance(w, sp.IndexedBase) and w.label == b.label for w in wrt)
                for b in (left.atoms(sp.IndexedBase) | right.atoms(sp.IndexedBase))
                if "(" in str(b.label))
            if result.status == "refuted" and not free and not realisable:
                return "unproven", (f"false for some values of {', '.join(arbitrary)}, which "
                                    f"the document does not define{shown}"), said, None
        loose = sorted({latex(d.obj) for d in scope if d.domain == NATURAL}, key=str)
        if relation == AT_MOST and result.status == "refuted" and loose and \
                not _inside_unit_interval(scope, cex):
            # An inequality between names with no declared domain is rarely meant for every
            # real value (log t <= t - 1 needs t > 0): a witness there is not the author's,
            # unless one exists with all of them in (0, 1), inside any domain meant for them.
            narrow = Scope([Declaration(d.obj, PROBABILITY if d.domain == NATURAL else
                                        d.domain, d.over, d.meaning) for d in scope])
            again = check_step(step, narrow, self.options, self.worker)
            if again.status == "refuted" and again.numeric.counterexample is not None:
                return "refuted", "counterexample", said + [
                    f"{', '.join(loose)} taken in (0, 1) for the counterexample"], \
                    again.numeric.counterexample
            return "unproven", (f"false for some real values of {', '.join(loose)}, whose "
                                f"domain the document does not declare{shown}"), said, None
        if result.status == "refuted" and cex is not None:
            return "refuted", "counterexample", said, cex
        if result.status == "refuted":
            return "refuted", result.symbolic.message or "disproved", said, None
        if result.status == "verified":
            return "verified", "", said, None
        why = result.symbolic.message or result.numeric.message
        if result.symbolic.status == "timeout":
            why = f"timeout: {why}"
        return "unproven", why, said, None

    def _apart_witness(self, step, scope, apart, result):
        """A refutation of a step stated for two different indices stands only on a witness
        where they differ: the step is checked again at i = 1, k = 2 when the first witness
        had them equal (``unproven`` if that instance holds)."""
        values = (result.numeric.counterexample or {}).get("values", {})
        if all(values.get(str(c.lhs)) != values.get(str(c.rhs)) for c in apart):
            return result
        # the smallest instance: the two indices 1 and 2, every size 2
        pairs = tuple((x, sp.Integer(n)) for c in apart for n, x in enumerate(c.args, 1))
        sizes = {x for e in (step.before, step.after) for x in e.free_symbols
                 if (d := scope.lookup(x)) is not None and d.domain == SIZE}
        pairs += tuple((x, sp.Integer(2)) for x in sorted(sizes, key=str))
        instance = replace(step, before=substitute(step.before, pairs),
                           after=substitute(step.after, pairs))
        again = check_step(instance, scope, self.options, self.worker)
        if again.status == "refuted" and again.numeric.counterexample is not None:
            cex = dict(again.numeric.counterexample)
            cex["values"] = {**{str(x): int(n) for x, n in pairs}, **cex.get("values", {})}
            return replace(again, numeric=replace(again.numeric, counterexample=cex))
        return replace(result, numeric=replace(
            result.numeric, status="undecided", counterexample=None,
            message="the samples that failed had equal indices, which the row excludes"))

    def _left_only(self, left, right, ranges=frozenset()) -> list:
        """Scalars of the natural domain, and ranges of unbounded sums, that the left side has
        and the right side lacks."""
        gone = scalar_symbols(left) - scalar_symbols(right)
        return sorted((s for s in gone if s.name in ranges or (
            not s.is_integer and self.table.meaning(s.name, False).source == "natural domain")),
            key=str)

    def _defined_outcomes(self, left, right):
        """The one size the bodies of the defined families that H or D_KL take mention
        (u_k := 1/K: K outcomes), else None."""
        sizes = set()
        for q in (q for e in (left, right) for q in e.atoms(*INFORMATION)):
            for a in q.args:
                if isinstance(a, sp.IndexedBase) and str(a.label) in self.defs.families:
                    body = self.defs.families[str(a.label)][1]
                    sizes |= {s for s in body.free_symbols if self._size(s)}
        return sizes.pop() if len(sizes) == 1 else None

    def _declared(self, atom) -> bool:
        """Whether a hint of the document declared this name (a family or a symbol)."""
        name, family = (atom[1], True) if isinstance(atom, tuple) else (str(atom), False)
        return self.table.meaning(name, family).source.startswith("declared")

    def _size(self, name) -> bool:
        """A size: K, n, N, or a name that bounds a sum in the document."""
        return isinstance(name, sp.Symbol) and (
            self.table.meaning(name.name, False).domain == SIZE)

    def _parameters(self, left, right, named=()) -> tuple:
        """The model's probabilities: families in (0, 1) that the optimised variables reach
        (any, when the variables do not appear at all), as the values being optimised."""
        fams = {b for e in (left, right) for b in e.atoms(sp.IndexedBase)}  # also in H, D_KL
        through = {f for f in fams if any(  # q_theta, P(x[_], theta): theta as a whole word
            re.search(rf"(?<![A-Za-z]){re.escape(str(w))}(?![A-Za-z])", str(f.label))
            for w in named)}
        return tuple(sorted((f for f in (through or fams) if self.table.meaning(
            str(f.label), True).domain.name in OPTIMISER_DOMAINS), key=sp.default_sort_key))


def coins(exprs: list) -> list:
    """H(a), CE(a, b), D_KL(a || b) of names the step also uses as numbers (a log a ...):
    the quantities of the coins Bern(a), Bern(b), not of distributions named a and b."""
    scalars = {s.name: s for e in exprs for s in scalar_symbols(e)  # not a family's label
               if not s.is_integer and not isinstance(s, Label)}
    if not scalars:
        return exprs

    def coin(arg):
        return scalars.get(str(arg.label)) if isinstance(arg, sp.IndexedBase) else arg

    def binary(q):
        args = [coin(a) for a in q.args]
        if any(a is None or isinstance(a, sp.IndexedBase) for a in args):
            return q
        if isinstance(q, Entropy) and len(args) == 1:
            return BinaryCrossEntropy(args[0], args[0])
        if isinstance(q, CrossEntropy):
            return BinaryCrossEntropy(*args)
        return BinaryKL(*args)

    def named_ce(call):  # \mathrm{CE}(a, b) of two numbers
        return BinaryCrossEntropy(*call.args)
    out = []
    for e in exprs:
        e = e.replace(lambda q: isinstance(q, (Entropy, CrossEntropy, KLDivergence))
                      and type(q) in (Entropy, CrossEntropy, KLDivergence), binary)
        e = e.replace(lambda c: isinstance(c, AppliedUndef) and str(c.func) == "CE"
                      and len(c.args) == 2, named_ce)
        out.append(e)
    return out


def _inside_unit_interval(scope, cex) -> bool:
    """A witness whose undeclared names are all scalars strictly between 0 and 1: inside
    any domain an author could mean for them (a real, a positive number, a probability)."""
    if not cex:
        return False
    loose = [d.obj for d in scope if d.domain == NATURAL]
    values = cex.get("values", {})
    return all(isinstance(o, sp.Symbol) and isinstance(values.get(str(o)), float)
               and 0 < values[str(o)] < 1 for o in loose)


def _show(atom, expr) -> str:
    """A name as the document writes it: a family by one of its entries (\\hat{y}_{i})."""
    if isinstance(atom, tuple):
        entries = sorted((ix for ix in unfold_all(expr).atoms(sp.Indexed)
                          if str(ix.base.label) == atom[1]), key=sp.default_sort_key)
        return latex(entries[0]) if entries else atom[1]
    return latex(atom)



__all__ = ["OPTIMISER_DOMAINS", "ClaimsMixin", "atoms_of"]
