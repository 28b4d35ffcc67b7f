"""check-doc: the derivation chains inside a Markdown or LaTeX document, checked step by step.

How one document is read (README, "Checking a document you already have", says it for users):

* **Definitions.** ``:=`` (and the other definition signs the reader knows), or ``=`` in the
  first step of a chain whose left side is a *new* name (``L``, ``J(w)``, ``P(D | \\beta)``),
  defines that name. A name already known, built in (``H``, ``D_{KL}``, ``I``, ``\\log``,
  ``\\sigma`` ...) or defined earlier, is *checked*: equal bodies verify; a body that keeps
  the optimisers (a positive factor, an added constant, the sign flipped with min and max
  swapped) verifies as that relation; anything else is refuted. A restatement that brings in
  other variables reuses the name for another quantity: it is learned, with a warning.
  A symbol set to a number (``x = 1``) is a ``condition``, never a definition.
* **Other relations** never define: ``<=``/``>=`` are checked as inequalities; ``\\approx``,
  ``\\neq``, ``\\sim`` and the like are ``unchecked``.
* **Domains** come from the document's symbol table (``doctable``); **hints** from ``dochints``.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from . import conditions as cond
from . import document as docs
from .check.worker import Worker
from .derivation import Step
from .dochints import Declared, Defined, read_hint
from .docaxes import unify_ranges
from .docdefs import Definitions, Known, is_name, mentions, name_key
from .docreport import STATUSES, DocReport, DocStep
from .doctable import DocTable, scalar_symbols
from .errors import XentsymError
from .functions import InformationContent, unfold_all
from .parse import Objective, parse, parse_objective, parse_relation
from .read.ranges import RangeSize
from .relations import AT_MOST, EQUAL, SAME_OPTIMUM, SWITCH_SENSE
from .render.printer import latex
from .rules import substitute
from .stepkinds import blind_derivative, constraint, is_atom, is_number, stationarity
from .verify import Options, check_step

DEFINES = frozenset({":=", "=:"})
CHECKED_ORDER = {"<=": False, ">=": True, "<": False, ">": True}  # True: sides swapped
# Domains whose names are probabilities: the parameters of a model, and what I(.) takes.
_OPTIMISER_DOMAINS = frozenset({"probability", "distribution"})


@dataclass(frozen=True)
class _Placed:
    """A hint with the offset it stands at."""

    offset: int
    line: int
    item: object  # Declared, Defined or Specialised


def _atoms(e, integers: bool = False) -> set:
    """Indexed families and plain symbols of ``e`` (not the families' labels); sizes and free
    indices too when ``integers``."""
    if isinstance(e, Objective):
        e = e.expr
    families = {("family", str(b.label)) for b in e.atoms(sp.IndexedBase)}
    # d/dw_j binds w_j, not j: the index stays free (SymPy leaves it out of free_symbols).
    indices = {s for d in e.atoms(sp.Derivative) for v in d.variables
               if isinstance(v, sp.Indexed) for s in v.indices if isinstance(s, sp.Symbol)}
    return families | {s for s in scalar_symbols(e) | indices if integers or not s.is_integer}


class _Checker:
    def __init__(self, doc, options: Options, worker: Worker):
        self.doc, self.options, self.worker = doc, options, worker
        # The displays as read (macros expanded) show the notation too: p(x_i) via \pmf{x_i}.
        self.table = DocTable("\n".join([doc.text, *(d.latex for d in docs.displays(doc))]))
        self.defs = Definitions(self.table)
        self.report = DocReport(doc.path)
        self.hints = self._read_hints()
        self.given: tuple = ()  # specialisations in force for the current display

    # ------------------------------------------------------------------ hints

    def _read_hints(self) -> list[_Placed]:
        starts = self.doc._line_starts
        placed = []
        for h in docs.hints(self.doc):
            try:
                item = read_hint(h.text, file=self.doc.path, line=h.line, column=h.column)
            except XentsymError as exc:
                self.report.errors.append((h.line, h.column, exc.message))
                continue
            placed.append(_Placed(starts[h.line - 1] + h.column - 1, h.line, item))
        return placed

    def enter(self, display, previous_end: int) -> None:
        """Take the hints that stand before this display (or inside it)."""
        given = []
        for h in self.hints:
            if not previous_end <= h.offset < display.end:
                continue
            if isinstance(h.item, Declared):
                for name, family in h.item.names:
                    self.table.declare(name, family, h.item.domain, h.line, h.item.over)
            elif isinstance(h.item, Defined):
                self.defs.learn(h.item.lhs, h.item.body, h.item.key, h.line)
            else:
                given.append((h.item.old, h.item.new, h.line))
        self.given = tuple(given)

    def _hint_example(self, name: str) -> str:
        if self.doc.kind == "latex":
            return f"% xentsym: {name} = ..."
        return f"<!-- xentsym: {name} = ... -->"

    # ------------------------------------------------------------------ reading

    def _read(self, side):
        warns: list = []
        text = side.text
        where = {"file": self.doc.path, "line": side.line, "column": side.column,
                 "warnings": warns, "plain": True}
        if side.optimiser is not None or (
                re.match(r"\s*\\(arg\s*\\?|operatorname\*?\{|mathop\{|underset)", text)
                and re.search(r"arg\s*\\?(max|min)|argm(ax|in)", text)):
            item = parse_objective(text, **where)
        else:
            item = parse(text, **where)
        for w in warns:
            self.report.warnings.append((w.line or side.line, w.message))
        return self._events(item)

    def _events(self, item):
        """I(s_i) of a name that is no probability here names an event: which probability the
        text means is not written, so it stays an unknown function, never -log of s_i."""
        if isinstance(item, Objective):
            return Objective(item.sense, item.wrt_latex, item.wrt, self._events(item.expr))

        own = any(f.name == "I" for f in self.defs.functions)  # the document's own I(.)

        def event(e):
            if not isinstance(e, InformationContent):
                return False
            if own:
                return True
            arg = e.args[0]
            name, family = (str(arg.base.label), True) if isinstance(arg, sp.Indexed) else \
                (str(arg), False)
            return isinstance(arg, (sp.Symbol, sp.Indexed)) and \
                self.table.meaning(name, family).domain.name not in _OPTIMISER_DOMAINS
        return item.replace(event, lambda e: sp.Function("I")(e.args[0]))

    # ------------------------------------------------------------------ checking

    def _check(self, lhs, rhs, relation=EQUAL, given=(), swap=False,
               new_symbols=False) -> tuple:
        """(status, message, assumptions, counterexample) of ``lhs relation rhs``."""
        lhs, rhs = self.defs.resolve(lhs), self.defs.resolve(rhs)
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
        pairs = tuple((a, b) for a, b, _ in given)
        # Unfold H, D_KL ... first, so a specialisation (n = 2) reaches their sums too.
        left, right = (substitute(unfold_all(e) if pairs else e, pairs) for e in (lhs, rhs))
        for side in (left, right):
            calls = side.atoms(AppliedUndef)
            if calls:
                call = sorted(calls, key=str)[0]
                name = str(call.func)
                why = f"{name} is not defined in the document before this line"
                if name == "I" and len(call.args) == 1:
                    why = (f"I({latex(call.args[0])}) is the information of an event whose "
                           f"probability the document does not give; declaring "
                           f"{latex(call.args[0])} a probability (\\in (0, 1)) would settle it")
                return "unproven", why, [], None
        # An unbounded sum runs over the axis it indexes (\sum_j w_j x_j with \sum_{k=1}^d).
        (left, right), joined = unify_ranges([self.table.ranges(left), self.table.ranges(right)])
        # Sizes count too (H(X) <= log k with k unrelated to X), once H & co. are written out
        # over the sizes the document declared.
        with cond.using_scope(self.table.declared_scope()):
            new = sorted(_atoms(unfold_all(right), True) - _atoms(unfold_all(left), True),
                         key=str)
        blind = blind_derivative(left, right)
        if blind is not None:
            return "unproven", (f"the derivative of {latex(blind.expr)} with respect to "
                                f"{latex(blind.variables[0])}: it does not mention the variable, "
                                f"so it depends on it only through what the text says; the "
                                f"document must define it"), [], None
        # A bound by a number (L >= 0) has nothing on one side: nothing is left undefined.
        if new and not new_symbols and not (relation == AT_MOST and is_number(left)):
            name = _show(new[0], right)
            return "unproven", (f"{name} appears on the right only and the document does not "
                                f"define it; a hint such as {self._hint_example(name)} "
                                f"would settle it"), [], None
        # The range of an unbounded sum (N_i in \sum_i) is known only to the prose.
        ranges = {r.name for e in (left, right) for r in e.atoms(RangeSize)}
        left, right = self.table.bind(left), self.table.bind(right)
        scope, said = self.table.scope([left, right])
        said += [f"the sum over {r.name.split('_', 1)[-1]} runs over the same range as "
                 f"{latex(size)} (they index the same axis)" for r, size in joined]
        wrt = ()
        if relation.is_optimiser:
            # The subscript names the parameters (arg max over theta); when they appear only
            # through the model's probabilities (y-hat depends on theta), those are optimised.
            wrt = tuple(self.table.bind(w) for w in named if isinstance(w, sp.Symbol)
                        and self.table.bind(w) in (left.free_symbols | right.free_symbols))
            wrt = wrt or self._parameters(left, right)
            if not wrt:
                return "unproven", "no model parameters found to optimise over", said, None
        said = said + [f"{latex(a)} = {latex(b)} (hint, line {ln})" for a, b, ln in given]
        step = Step(1, left, right, relation, "claim", "", "", (), (), wrt, sense)
        result = check_step(step, scope, self.options, self.worker)
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
        if result.status == "refuted" and result.numeric.counterexample is not None:
            return "refuted", "counterexample", said, result.numeric.counterexample
        if result.status == "refuted":
            return "refuted", result.symbolic.message or "disproved", said, None
        if result.status == "verified":
            return "verified", "", said, None
        why = result.symbolic.message or result.numeric.message
        if result.symbolic.status == "timeout":
            why = f"timeout: {why}"
        return "unproven", why, said, None

    def _left_only(self, left, right, ranges=frozenset()) -> list:
        """Scalars of the natural domain, and ranges of unbounded sums, that the left side has
        and the right side lacks."""
        gone = scalar_symbols(left) - scalar_symbols(right)
        return sorted((s for s in gone if s.name in ranges or (
            not s.is_integer and self.table.meaning(s.name, False).source == "natural domain")),
            key=str)

    def _parameters(self, left, right) -> tuple:
        fams = {ix.base for e in (left, right) for ix in e.atoms(sp.Indexed)}
        return tuple(sorted((f for f in fams if self.table.meaning(str(f.label), True)
                             .domain.name in _OPTIMISER_DOMAINS), key=sp.default_sort_key))

    def _restated(self, known: Known, name: str, rhs) -> tuple:
        """A known name stated again: equal, or the same optimisers, or refuted."""
        first = self._check(known.body, rhs)
        if first[0] != "refuted" or isinstance(rhs, Objective):
            return first
        for relation, words in ((SAME_OPTIMUM, "has the same minimisers and maximisers"),
                                (SWITCH_SENSE, "has the sign flipped: its maximisers are the "
                                               "minimisers")):
            status, msg, said, _ = self._check(known.body, rhs, relation)
            if status == "verified":
                return ("verified", f"not equal to {name} of line {known.line}, but {words} "
                        f"of it", said, None)
        return first

    def chain(self, chain) -> None:
        if chain.problem is not None:
            for st in chain.steps:
                self.report.steps.append(DocStep(
                    st.line, chain.number, st.index, st.lhs.text.strip(), st.rhs.text.strip(),
                    "unparsed", f"the display cannot be read as TeX prints it: "
                                f"{chain.problem.message}", relation=st.relation))
            return
        derivative = any(re.search(r"\\frac\s*\{\s*(d|\\partial)", side.text)
                         for side in chain.sides)
        for st in chain.steps:
            row = DocStep(st.line, chain.number, st.index, st.lhs.text.strip(),
                          st.rhs.text.strip(), "unparsed", relation=st.relation)
            self.report.steps.append(row)
            try:
                self._step(st, row, derivative)
            except XentsymError as exc:
                row.status, row.message = "unparsed", exc.message

    def _step(self, st, row: DocStep, derivative: bool) -> None:
        given = self.given + self._condition(st)
        if st.relation not in DEFINES and st.relation != "=" and \
                st.relation not in CHECKED_ORDER:
            row.status = "unchecked"
            row.message = f"relation {st.latex.strip()} is reported, not checked"
            return
        lhs, rhs = self._read(st.lhs), self._read(st.rhs)
        if st.relation in CHECKED_ORDER and constraint(lhs, rhs) and \
                not self.defs.resolve(lhs).has(*self.defs.symbols) and \
                self.defs.resolve(lhs) == lhs and self.defs.resolve(rhs) == rhs:
            row.status = "condition"
            row.message = f"a constraint on {row.lhs if is_atom(lhs) else row.rhs}, not a claim"
            return
        if st.relation in CHECKED_ORDER:
            res = self._check(lhs, rhs, AT_MOST, given, swap=CHECKED_ORDER[st.relation])
            if st.relation in "<>" and res[0] == "verified":
                res = ("unproven", "only the non-strict inequality was proved") + res[2:]
            return self._fill(row, res)
        if st.index == 1 and isinstance(lhs, sp.Symbol) and is_number(rhs) and \
                st.relation == "=" and lhs not in self.defs.symbols:
            row.status = "condition"
            row.message = f"{row.lhs} = {row.rhs} is read as a value or a case, not as a " \
                          f"definition"
            return
        if st.index == 1 and is_name(lhs) and not mentions(rhs, lhs):
            key = name_key(lhs)  # (R), {R}, R + 0 all name R
            known = self.defs.known.get(key)
            if known is None:
                row.status = "defined"
                self.defs.learn(lhs, rhs, key, st.line)
                return
            if _atoms(rhs) - _atoms(known.body):
                row.status = "defined"
                row.message = f"{row.lhs} is defined again (line {known.line} defined it " \
                              f"with other variables)"
                self.report.warnings.append((st.line, row.message))
                self.defs.learn(lhs, rhs, key, st.line)
                return
            res = self._restated(known, row.lhs, rhs)
            if res[0] == "verified":  # a refuted restatement never becomes the meaning
                self.defs.known[key] = Known(rhs, st.line)
            return self._fill(row, res)
        if stationarity(lhs, rhs, derivative):
            res = self._check(lhs, rhs, EQUAL, given, new_symbols=True)
            if res[0] != "verified":
                res = ("condition", "an equation to solve (a derivative set to 0), not an "
                                    "identity", res[2], None)
            return self._fill(row, res)
        self._fill(row, self._check(lhs, rhs, EQUAL, given))

    def _condition(self, st) -> tuple:
        side = getattr(st, "condition", None)
        if side is None:
            return ()
        a, rel, b = parse_relation(side.text, file=self.doc.path, line=side.line,
                                   column=side.column, plain=True)
        if rel != "=" or not isinstance(a, (sp.Symbol, sp.Indexed)):
            raise XentsymError(f"the condition {side.text.strip()} is not NAME = VALUE",
                               file=self.doc.path, line=side.line, column=side.column)
        return ((a, b, side.line),)

    @staticmethod
    def _fill(row: DocStep, res: tuple) -> None:
        row.status, row.message, row.assumptions, row.counterexample = res
        if row.counterexample is not None:
            row.message = "counterexample " + json.dumps(row.counterexample)


def _show(atom, expr) -> str:
    """A name as the document writes it: a family by one of its entries (\\hat{y}_{i})."""
    if isinstance(atom, tuple):
        entries = sorted((ix for ix in unfold_all(expr).atoms(sp.Indexed)
                          if str(ix.base.label) == atom[1]), key=sp.default_sort_key)
        return latex(entries[0]) if entries else atom[1]
    return latex(atom)


def check_document(path: str, options: Options = Options(), progress=None) -> DocReport:
    """Read ``path`` and check every chain in it; ``progress(done, total)`` after each chain."""
    doc = docs.read_document(path)
    with Worker() as worker:
        checker = _Checker(doc, options, worker)
        checker.report.warnings += [(w.line, w.message)
                                    for w in docs.warnings(doc, with_problems=False)]
        # A display that cannot be read as TeX prints it fails the file: its chains are
        # unparsed, and a problem with no chain to carry it is an error of its own.
        carried = set()
        displays = docs.displays(doc)
        total = len(docs.document_chains(doc)) if progress is not None else 0
        previous_end, done = 0, 0
        for display in displays:
            checker.enter(display, previous_end)
            previous_end = display.end
            for chain in docs.chains(display, done + 1):
                if chain.problem is not None:
                    carried.add((chain.problem.line, chain.problem.column, chain.problem.message))
                checker.chain(chain)
                done += 1
                if progress is not None:
                    progress(done, total)
        checker.report.errors += [(p.line, p.column or 1, p.message)
                                  for p in docs.problems(doc)
                                  if (p.line, p.column, p.message) not in carried]
        checker.report.errors.sort()
    # A formula repeated in the document repeats its warnings: report each one once.
    checker.report.warnings = sorted(set(checker.report.warnings), key=lambda w: w[0])
    return checker.report


__all__ = ["check_document", "DocReport", "DocStep", "STATUSES"]
