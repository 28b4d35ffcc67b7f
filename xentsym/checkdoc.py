"""check-doc: the derivation chains inside a Markdown or LaTeX document, checked step by step."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import sympy as sp
from sympy.core.function import AppliedUndef

from . import document as docs
from . import notation as nt
from .check.worker import Worker
from .derivation import Step
from .domains import REAL
from .errors import XentsymError
from .parse import Objective, parse, parse_objective, parse_relation
from .render.printer import latex
from .rules import substitute
from .relations import EQUAL, SAME_OPTIMUM, SWITCH_SENSE
from .verify import Options, check_step

# A side that names something: H(X), D_{KL}(p||q), J(w), \mathcal{L}(\theta; X, D), \theta_p, L.
_NAME = re.compile(r"^\s*(\\mathcal\{?[A-Za-z]\}?|\\[A-Za-z]+|[A-Za-z])\s*(_\{[^{}]*\}|_[A-Za-z0-9])?"
                   r"\s*(\([^()]*\))?\s*$")
# Documents get the lecture's domains, except q as a scalar: the lecture defines q = 1 - p
# only in prose, so a q that a document does not define must stay unknown.
DOC_SCOPE = nt.Scope([d for d in nt.LECTURE if d.obj is not nt.q_failure])
STATUSES = ("verified", "refuted", "unproven", "unparsed", "defined")


@dataclass
class DocStep:
    line: int
    chain: int
    step: int
    lhs: str
    rhs: str
    status: str
    message: str = ""

    def to_json(self) -> dict:
        return {"line": self.line, "chain": self.chain, "step": self.step, "lhs": self.lhs,
                "rhs": self.rhs, "status": self.status, "message": self.message}


@dataclass
class DocReport:
    file: str
    steps: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # (line, message)

    def summary(self) -> dict:
        counts = dict.fromkeys(STATUSES, 0)
        for s in self.steps:
            counts[s.status] += 1
        return counts

    def ok(self) -> bool:
        c = self.summary()
        return c["refuted"] == c["unproven"] == c["unparsed"] == 0

    def to_json(self) -> str:
        return json.dumps({"file": self.file, "steps": [s.to_json() for s in self.steps],
                           "warnings": [{"line": ln, "message": m} for ln, m in self.warnings],
                           "summary": self.summary()}, indent=2, ensure_ascii=False)

    def text(self) -> str:
        out = []
        for s in self.steps:
            if s.status == "defined":
                continue
            why = f": {s.message}" if s.message else ""
            out.append(f"{self.file}:{s.line}: chain {s.chain} step {s.step} {s.status}{why}")
        out += [f"{self.file}:{ln}: warning: {m}" for ln, m in self.warnings]
        c = self.summary()
        out.append(", ".join(f"{c[k]} {k}" for k in STATUSES))
        return "\n".join(out)


def _name_key(text: str) -> str | None:
    return re.sub(r"\s+", "", text) if _NAME.match(text) else None


def _hint_pairs(doc) -> list[tuple[int, sp.Basic, sp.Basic]]:
    pairs = []
    for h in docs.hints(doc):
        lhs, rel, rhs = parse_relation(h.text, file=doc.path, line=h.line, column=h.column)
        if rel != "=" or isinstance(lhs, Objective) or isinstance(rhs, Objective):
            raise XentsymError("a hint must read NAME = VALUE", file=doc.path, line=h.line)
        if isinstance(lhs, sp.Indexed) and isinstance(rhs, sp.Indexed):
            lhs, rhs = lhs.base, rhs.base  # a definition for the whole family
        pairs.append((h.line, lhs, rhs))
    return pairs


def _atoms(e) -> set:
    """Indexed families and plain symbols of ``e`` (not the families' labels)."""
    families = {ix.base for ix in e.atoms(sp.Indexed)}
    labels = {f.label for f in families}
    return families | {s for s in e.free_symbols
                       if isinstance(s, sp.Symbol) and s not in labels}


@dataclass(frozen=True)
class _FunctionDef:
    """``P(Y | beta) = body``: a name applied to parameters, learned from the document."""

    name: str
    params: tuple
    body: sp.Expr


class _Checker:
    def __init__(self, doc, options: Options, worker: Worker):
        self.doc, self.options, self.worker = doc, options, worker
        self.definitions: dict[str, str] = {}
        self.functions: list[_FunctionDef] = []
        self.symbols: dict = {}  # defined symbols: beta -> p_theta[i]
        self.hints = _hint_pairs(doc)
        self._after = self._display_line = 0  # hints between these lines are in force
        self.report = DocReport(doc.path)

    def _read(self, side_text: str, line: int, col: int):
        warns: list = []
        if re.match(r"\s*\\arg\s*\\?(max|min)", side_text):
            item = parse_objective(side_text, file=self.doc.path, line=line, column=col,
                                   warnings=warns)
        else:
            item = parse(side_text, file=self.doc.path, line=line, column=col, warnings=warns)
        for w in warns:
            self.report.warnings.append((w.line or line, w.message))
        return item

    def _learn(self, lhs, body) -> None:
        """Remember a defined function or symbol for later substitution."""
        if isinstance(lhs, Objective) or isinstance(body, Objective):
            return
        if isinstance(lhs, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in lhs.args):
            self.functions.append(_FunctionDef(str(lhs.func), lhs.args, body))
        elif isinstance(lhs, sp.Symbol):
            self.symbols[lhs] = body

    def _apply_functions(self, expr):
        """P(Y = y_i | beta) -> the body of P(Y | beta) with Y replaced by y_i."""
        def score(fd, args):
            hits = 0
            for param, arg in zip(fd.params, args):
                dp, da = DOC_SCOPE.lookup(param), DOC_SCOPE.lookup(arg)
                hits += (param == arg) * 2 + (dp is not None and da is not None
                                               and dp.domain == da.domain)
            return hits

        def expand(call):
            fits = [fd for fd in self.functions
                    if fd.name == str(call.func) and len(fd.params) == len(call.args)]
            if not fits:
                return call
            best = max(reversed(fits), key=lambda fd: score(fd, call.args))
            return best.body.xreplace(dict(zip(best.params, call.args)))
        return expr.replace(lambda e: isinstance(e, AppliedUndef), expand)

    def _given(self, line: int) -> tuple:
        """Hints written after the previous display and before this one apply to it."""
        return tuple((a, b) for ln, a, b in self.hints if self._after < ln <= line)

    def _check(self, lhs, rhs, line: int) -> tuple[str, str]:
        given = self._given(self._display_line)
        lo, ro = isinstance(lhs, Objective), isinstance(rhs, Objective)
        if lo != ro:
            return "unparsed", "an optimiser (arg max/min) is compared with a value"
        relation, sense, wrt = EQUAL, None, ()
        if lo:
            relation = SAME_OPTIMUM if lhs.sense == rhs.sense else SWITCH_SENSE
            sense = rhs.sense
            lhs, rhs = lhs.expr, rhs.expr
        lhs, rhs = self._apply_functions(lhs), self._apply_functions(rhs)
        # A defined symbol on one side only is replaced by its definition (beta := p_theta).
        for sym, body in self.symbols.items():
            in_l, in_r = sym in _atoms(lhs), sym in _atoms(rhs)
            if in_l != in_r:
                lhs, rhs = (lhs.xreplace({sym: body}), rhs) if in_l else \
                    (lhs, rhs.xreplace({sym: body}))
        left, right = substitute(lhs, given), substitute(rhs, given)
        for side in (left, right):
            calls = side.atoms(AppliedUndef)
            if calls:
                name = sorted(map(str, calls))[0]
                return "unproven", f"{name} is not defined in the document before this line"
        if lo:
            wrt = tuple(b for b in _atoms(left) | _atoms(right)
                        if isinstance(b, sp.IndexedBase) and DOC_SCOPE.lookup(b) is not None
                        and DOC_SCOPE.lookup(b).domain.name == "probability")
            if not wrt:
                return "unproven", "no model parameters found to optimise over"
        # A right side that brings in a symbol the left side lacks cannot follow from it:
        # that is a specialisation or a definition the prose gives, so ask for a hint.
        new = sorted(_atoms(right) - _atoms(left), key=str)
        if new:
            name = latex(new[0][nt.i]) if isinstance(new[0], sp.IndexedBase) else latex(new[0])
            return "unproven", (f"{name} appears on the right only and the document does not "
                                f"define it; a hint such as <!-- xentsym: {name} = ... --> "
                                f"would settle it")
        scope = DOC_SCOPE
        unknown_l = {a for a in _atoms(left) if scope.lookup(a) is None}
        unknown_r = {a for a in _atoms(right) if scope.lookup(a) is None}
        extra = [nt.Declaration(a, REAL) for a in unknown_l | unknown_r]
        if extra:
            scope = scope.extended(extra)
        step = Step(1, lhs, rhs, relation, "claim", "", "", given, (), wrt, sense)
        result = check_step(step, scope, self.options, self.worker)
        msg = ""
        if result.status == "refuted" and result.numeric.counterexample is not None:
            msg = "counterexample " + json.dumps(result.numeric.counterexample)
        elif result.status != "verified":
            msg = result.symbolic.message or result.numeric.message
        return result.status, msg

    def chain(self, chain) -> None:
        if chain.display.line != self._display_line:
            self._after, self._display_line = self._display_line, chain.display.line
        steps = chain.steps
        first_key = _name_key(steps[0].lhs.text)
        for st in steps:
            row = DocStep(st.line, chain.number, st.index, st.lhs.text.strip(),
                          st.rhs.text.strip(), "unparsed")
            self.report.steps.append(row)
            lhs_text, lhs_pos = st.lhs.text, (st.lhs.line, st.lhs.column)
            if st.index == 1 and first_key is not None:
                if first_key not in self.definitions or len(steps) == 1:
                    self.definitions[first_key] = st.rhs.text
                    row.status = "defined"
                    try:  # read both sides: for warnings, and to substitute the name later
                        self._learn(self._read(st.lhs.text, st.lhs.line, st.lhs.column),
                                    self._read(st.rhs.text, st.rhs.line, st.rhs.column))
                    except XentsymError as exc:
                        row.message = f"the definition could not be read: {exc.message}"
                    continue
                lhs_text = self.definitions[first_key]
                self.definitions[first_key] = st.rhs.text
            if st.relation not in ("=",):
                row.message = f"relation {st.latex} is not checked"
                continue
            try:
                lhs = self._read(lhs_text, *lhs_pos)
                rhs = self._read(st.rhs.text, st.rhs.line, st.rhs.column)
                row.status, row.message = self._check(lhs, rhs, st.line)
            except XentsymError as exc:
                row.status, row.message = "unparsed", exc.message


def check_document(path: str, options: Options = Options(), progress=None) -> DocReport:
    """Read ``path`` and check every chain in it; ``progress(done, total)`` after each chain."""
    doc = docs.read_document(path)
    with Worker() as worker:
        checker = _Checker(doc, options, worker)
        checker.report.warnings += [(w.line, w.message) for w in docs.warnings(doc)]
        chains = docs.document_chains(doc)
        for done, chain in enumerate(chains, start=1):
            checker.chain(chain)
            if progress is not None:
                progress(done, len(chains))
    # A formula repeated in the document repeats its warnings: report each one once.
    checker.report.warnings = sorted(set(checker.report.warnings), key=lambda w: w[0])
    return checker.report


__all__ = ["check_document", "DocReport", "DocStep"]
