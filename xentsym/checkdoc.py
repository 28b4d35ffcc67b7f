"""check-doc: the derivation chains inside a Markdown or LaTeX document, checked step by step.

How one document is read (README, "Checking a document you already have", says it for users):

* **Definitions.** ``:=`` (and the other definition signs the reader knows), or ``=`` in the
  first step of a chain whose left side is a *new* name (``L``, ``J(w)``, ``P(D | \\beta)``),
  defines that name. A name already known, built in (``H``, ``D_{KL}``, ``I``, ``\\log``,
  ``\\sigma`` ...) or defined earlier, is *checked*: equal bodies verify; a body that keeps
  the optimisers (a positive factor, an added constant, the sign flipped with min and max
  swapped) verifies as that relation; anything else is refuted. A restatement that brings in
  other variables reuses the name for another quantity: it is learned, with a warning; so is
  a built-in name applied to entries its body reads at another rank (``docdefs.redefines``).
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

from . import document as docs
from .check.worker import Worker
from .dochints import Declared, Defined, Specialised, read_hint
from .docclaims import OPTIMISER_DOMAINS, RIGHT_ONLY, ClaimsMixin, atoms_of
from .docdiagnose import DiagnoseMixin
from .docdefs import (INFORMATION, Definitions, Known, is_name, mentions, name_key,
                      redefines)
from .docrescue import READINGS
from .docreport import STATUSES, DocReport, DocStep
from .doctable import DocTable
from .errors import XentsymError
from .functions import InformationContent
from .notation import index
from .parse import Objective, parse, parse_objective, parse_relation
from .relations import AT_MOST, EQUAL, SAME_OPTIMUM, SWITCH_SENSE
from .stepkinds import CHECKED_ORDER, constraint, is_atom, is_number, stationarity
from .verify import Options

DEFINES = frozenset({":=", "=:"})
_GREEK_APPLIED = re.compile(
    r"\\(zeta|eta|phi|varphi|psi|xi|chi|rho|gamma|delta|kappa|nu|omega|Phi|Psi|Gamma)"
    r"\s*(?:\\left)?\(\s*\\?[A-Za-z]+\s*(?:\\right)?\)")


@dataclass(frozen=True)
class _Placed:
    """A hint with the offset it stands at."""

    offset: int
    line: int
    item: object  # Declared, Defined or Specialised



class _Checker(ClaimsMixin, DiagnoseMixin):
    def __init__(self, doc, options: Options, worker: Worker, diagnose: bool = True):
        self.doc, self.options, self.worker = doc, options, worker
        self.diagnose = diagnose  # look for the slip of each refuted step
        # The displays as read (macros expanded) show the notation too: p(x_i) via \pmf{x_i}.
        self.table = DocTable("\n".join([doc.text, *(d.latex for d in docs.displays(doc))]))
        self.defs = Definitions(self.table)
        # Greek names the document applies to a name somewhere (\zeta(x)): functions in
        # every display, so \zeta(-x) is zeta of -x, not zeta times -x.
        self.functions = frozenset(m.group(1) for d in docs.displays(doc) for m in
                                   _GREEK_APPLIED.finditer(d.latex))
        self.report = DocReport(doc.path)
        self.hints = self._read_hints()
        self.given: tuple = ()  # specialisations in force for the current display
        self.display_rows: list = []  # the current display's steps, with what was known
        self.strict = False  # whether the last proof of an inequality was strict

    # ------------------------------------------------------------------ hints

    def _read_hints(self) -> list[_Placed]:
        starts = self.doc._line_starts
        placed = []
        for h in docs.hints(self.doc):
            try:
                item = read_hint(h.text, file=self.doc.path, line=h.line, column=h.column)
            except XentsymError as exc:
                if not h.prose:  # a sentence is no promise to be read
                    self.report.errors.append((h.line, h.column, exc.message))
                continue
            if h.prose and not isinstance(item, Declared) and not (
                    (isinstance(item, Defined) and is_name(item.lhs)) or
                    (isinstance(item, Specialised) and is_name(item.old))):
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
                 "warnings": warns, "plain": True,
                 "functions": self.functions | {f.name for f in self.defs.functions}}
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
                self.table.meaning(name, family).domain.name not in OPTIMISER_DOMAINS
        return item.replace(event, lambda e: sp.Function("I")(e.args[0]))

    def _restated(self, known: Known, name: str, rhs, given: tuple = ()) -> tuple:
        """A known name stated again: equal, or the same optimisers, or refuted (under the
        row's condition, if it has one: loss = -log y-hat when y = 1)."""
        first = self._rescued(known.body, rhs, EQUAL, given, False)
        if first[0] != "refuted" or isinstance(rhs, Objective):
            return first
        for relation, words in ((SAME_OPTIMUM, "has the same minimisers and maximisers"),
                                (SWITCH_SENSE, "has the sign flipped: its maximisers are the "
                                               "minimisers")):
            status, msg, said, _ = self._check(known.body, rhs, relation, given)
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
            first = st.index == 1 and not chain.continued
            self._run(st, row, derivative, first)
            self.display_rows.append((st, row, derivative, first, set(self.defs.known)))

    def _run(self, st, row: DocStep, derivative: bool, first: bool) -> None:
        saved = dict(self.table.declared)
        try:
            pairs, unused = self._condition(st)
            sides = self._step(st, row, derivative, first, self.given + pairs)
            if row.status == "refuted" and sides is not None and self.diagnose:
                self._diagnose(st, row, sides, self.given + pairs)
            if unused is not None:
                self._without(row, unused)
        except XentsymError as exc:
            row.status, row.message = "unparsed", exc.message
        except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
            # SymPy refusing an operation (a derivative by an expression): no verdict
            row.status, row.counterexample = "unproven", None
            row.message = f"could not be checked ({type(exc).__name__}: {exc})".strip()
        finally:
            self.table.declared = saved  # a row's condition holds for that row only

    def end_display(self) -> None:
        """``a = m \\log\\theta \\qquad \\text{where } m = \\sum x_i``: a name the display defines
        after the step that uses it. Such steps are checked again once the display is read."""
        rows, self.display_rows = self.display_rows, []
        for st, row, derivative, first, known in rows:
            later = set(self.defs.known) - known
            if later and row.status == "unproven" and RIGHT_ONLY in row.message:
                self._run(st, row, derivative, first)
    @staticmethod
    def _without(row: DocStep, condition: str) -> None:
        """A step checked without the condition it is stated under: true everywhere is true
        under it too, but a counterexample may lie outside it."""
        if row.status == "refuted":
            shown = f": counterexample {json.dumps(row.counterexample)}" \
                if row.counterexample else ""
            row.status, row.counterexample = "unproven", None
            row.message = f"stated under {condition}, which is not read; without it it " \
                          f"fails{shown}"
        elif row.status == "verified":
            row.assumptions = list(row.assumptions) + [
                f"checked without its condition {condition} (true everywhere)"]

    def _step(self, st, row: DocStep, derivative: bool, first: bool, given: tuple):
        """Check one row into ``row``; the two sides as read when it came to a verdict."""
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
            res = self._rescued(lhs, rhs, AT_MOST, given, CHECKED_ORDER[st.relation])
            if st.relation in "<>" and res[0] == "verified" and not self.strict:
                res = ("unproven", "only the non-strict inequality was proved") + res[2:]
            return self._fill(row, res, (lhs, rhs))
        if first and isinstance(lhs, (sp.Symbol, sp.Indexed)) and is_number(rhs) and \
                st.relation == "=" and lhs not in self.defs.symbols:
            row.status = "condition"
            row.message = f"{row.lhs} = {row.rhs} is read as a value or a case, not as a " \
                          f"definition"
            return
        if first and is_name(lhs) and not mentions(rhs, lhs):
            key = name_key(lhs)  # (R), {R}, R + 0 all name R
            known = self.defs.known.get(key)
            if known is None:
                row.status = "defined"
                self.defs.learn(lhs, rhs, key, st.line)
                return
            # Other variables, once what the document defined is written out (t_i := ...).
            if atoms_of(self.defs.resolve(rhs)) - atoms_of(self.defs.resolve(known.body)):
                row.status = "defined"
                row.message = f"{row.lhs} is defined again (line {known.line} defined it " \
                              f"with other variables)"
                self.report.warnings.append((st.line, row.message))
                self.defs.learn(lhs, rhs, key, st.line)
                return
            res = self._restated(known, row.lhs, rhs, given)
            # A refuted restatement never becomes the meaning, nor one true only under the
            # row's condition.
            if res[0] == "verified" and given == self.given:
                self.defs.known[key] = Known(rhs, st.line, lhs)
            return self._fill(row, res, (lhs, rhs))
        if stationarity(lhs, rhs, derivative):
            res = self._check(lhs, rhs, EQUAL, given, new_symbols=True)
            if res[0] != "verified":
                res = ("condition", "an equation to solve (a derivative set to 0), not an "
                                    "identity", res[2], None)
            return self._fill(row, res, (lhs, rhs))
        res = self._check(lhs, rhs, EQUAL, given)
        if first and res[0] != "verified" and redefines(lhs, rhs) and self._new_meaning(lhs, rhs):
            # H(A_i, Y_i) = -\sum_c Y_{ic} \log \sigma(A_{ic}): not the usual H of its
            # arguments, so the document's own H from here on (checked against it later)
            row.status = "defined"
            row.message = f"{row.lhs} is given this document's own meaning from here on (its " \
                          f"right side has variables other than its arguments)"
            self.report.warnings.append((st.line, row.message))
            self.defs.learn(lhs, rhs, name_key(lhs), st.line)
            return
        if res[0] == "refuted" and first and self.defs.unit == 1 and \
                isinstance(lhs, INFORMATION):
            res = self._unit(lhs, rhs, given) or res
        if res[0] == "refuted":
            res = self._rescued(lhs, rhs, EQUAL, given, False, res)
        return self._fill(row, res, (lhs, rhs))

    def _new_meaning(self, lhs, rhs) -> bool:
        """Whether ``lhs = rhs`` gives a conventional name a meaning the document has not
        given it yet: none for arguments of these kinds, or one without some variable of
        ``rhs`` (as a document name defined again with other variables). Once defined,
        ``H(A_k, Y_k) = ...`` in the same variables is checked by it."""
        if not self.defs.fitting(lhs):
            return True
        known = self.defs.known.get(name_key(lhs))
        return known is not None and bool(atoms_of(self.defs.resolve(rhs)) - atoms_of(
            self.defs.resolve(known.body)))

    def _rescued(self, lhs, rhs, relation, given, swap, res=None) -> tuple:
        """The check, and when it refutes, the readings the prose may fix (docrescue): a step
        true under one of them is unproven, with the reading named."""
        res = res or self._check(lhs, rhs, relation, given, swap=swap)
        if res[0] != "refuted" or isinstance(lhs, Objective) or isinstance(rhs, Objective):
            return res
        for reading in READINGS:
            if reading.unit and self.defs.unit != 1:
                continue  # a document in bits writes its other logs out (\ln, \log_2)
            sides = reading.read(lhs, rhs)
            if sides is None:
                continue
            other = self._check(*sides, relation, given, swap=swap)[0]
            # true under that reading; for an equation, at least not false under it
            if other == "verified" or (other != "refuted" and relation == EQUAL):
                shown = f" (counterexample {json.dumps(res[3])})" if res[3] else ""
                how = "true" if other == "verified" else "not refuted"
                return ("unproven", f"false as written{shown}, {how} if {reading.says}; "
                                    f"{reading.fix}", res[2], None)
        return res

    def _unit(self, lhs, rhs, given) -> tuple | None:
        """H(X) = -sum p log_2 p: the document measures information in bits (or digits)
        from here on; every H, H(p, q), D_KL and I it writes is read in that unit."""
        for base, unit in ((2, "bits"), (10, "decimal digits")):
            factor = 1 / sp.log(base)
            res = self._check(factor * lhs, rhs, EQUAL, given)
            if res[0] == "verified":
                self.defs.unit = factor
                return ("defined", f"information is measured in {unit} (log base {base}) in "
                        f"this document from here on", res[2], None)
        return None

    def _condition(self, st) -> tuple:
        """``(pairs, unused)``: a row's condition as a value (``x = 1``: substituted), as a
        domain (``x > 0``, ``x \\in (0, 1)``: declared for this row), or the text of one that
        cannot be read either way."""
        side = getattr(st, "condition", None)
        if side is None:
            return (), None
        where = {"file": self.doc.path, "line": side.line, "column": side.column}
        try:
            item = read_hint(side.text, **where)
        except XentsymError:
            item = None
        if isinstance(item, Declared):
            for name, family in item.names:
                self.table.declare(name, family, item.domain, side.line, item.over)
            return (), None
        try:
            a, rel, b = parse_relation(side.text, plain=True, **where)
        except XentsymError:
            return (), side.text.strip()
        if rel in ("!=", "=") and all(_index_like(x) for x in (a, b)):
            a, b = (index(x.name) for x in (a, b))  # the indices the step's formulas use
            if rel == "!=":
                return ((sp.Ne(a, b), sp.true, side.line),), None  # (i \neq k): indices apart
        if rel != "=" or isinstance(a, Objective) or isinstance(b, Objective) or \
                is_number(a):
            return (), side.text.strip()
        # NAME = VALUE, or a fact the step rests on (since \sum_k y_k = 1): written in
        return ((a, b, side.line),), None

    @staticmethod
    def _fill(row: DocStep, res: tuple, sides=None):
        row.status, row.message, row.assumptions, row.counterexample = res
        if row.counterexample is not None:
            row.message = "counterexample " + json.dumps(row.counterexample)
        return sides



def _index_like(x) -> bool:
    """An index a row's condition compares: an integer symbol, or a bare i .. n."""
    return isinstance(x, sp.Symbol) and (bool(x.is_integer) or x.name in tuple("ijklmn"))


def check_document(path: str, options: Options = Options(), progress=None,
                   diagnose: bool = True) -> DocReport:
    """Read ``path`` and check every chain in it; ``progress(done, total)`` after each chain.
    ``diagnose``: look for the slip of each refuted step (:mod:`xentsym.diagnose`)."""
    doc = docs.read_document(path)
    with Worker() as worker:
        checker = _Checker(doc, options, worker, diagnose)
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
            checker.end_display()
        checker.report.errors += [(p.line, p.column or 1, p.message)
                                  for p in docs.problems(doc)
                                  if (p.line, p.column, p.message) not in carried]
        checker.report.errors.sort()
    # A formula repeated in the document repeats its warnings: report each one once.
    checker.report.warnings = sorted(set(checker.report.warnings), key=lambda w: w[0])
    return checker.report


__all__ = ["check_document", "DocReport", "DocStep", "STATUSES"]
