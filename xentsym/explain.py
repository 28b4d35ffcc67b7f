r"""Explain a step: the chain of named rules between its two sides, every link checked.

:mod:`xentsym.explainsearch` proposes chains (a bounded, deterministic search over the rule
table). A chain is reported only when every one of its steps, built like a step of a
derivation, is ``verified`` by :func:`xentsym.verify.check_step`; a chain with a step that is
not is dropped and the next one tried. Nothing is invented: when no chain passes, there is
no explanation, only the reason.

>>> from xentsym.functions import KLDivergence
>>> from xentsym.notation import p, q
>>> e = explain(KLDivergence(p, q), unfold(KLDivergence(p, q)))
>>> [s.rule for s in e.steps]
['definition']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import sympy as sp

from .derivation import Step
from .explainsearch import BUDGET, Counter, chains, canonical
from .notation import LECTURE
from .relations import EQUAL, SWITCH_SENSE, Relation
from .render.printer import latex
from .rules import unfold  # noqa: F401  (the doctest above)
from .verify import Options, check_step

NO_CHAIN = "no chain of named rules found within {} rule applications"
SAME = "the two sides are the same expression as read: there is nothing to explain"
MAX_CANDIDATES = 4  # chains checked in full per step before giving up
ARG = {"min": r"\arg\min", "max": r"\arg\max"}
FLIP = {"min": "max", "max": "min", None: None}
_UNDER = re.compile(r"\\arg\s*\\?(?:max|min)\s*_\s*(\{[^{}]*\}|\\?[A-Za-z]+)")


@dataclass(frozen=True)
class Explanation:
    """A verified chain from ``start``: ``steps`` are derivation steps (rule, reasons in
    English and Chinese), ``results`` their verdicts (all verified)."""

    start: sp.Expr
    steps: tuple
    results: tuple = ()
    applications: int = 0  # rule applications the search spent
    parameter: str = ""  # LaTeX of the optimised parameters, for arg min / arg max rows

    @property
    def rules(self) -> list[str]:
        return [s.rule for s in self.steps]

    @property
    def start_sense(self) -> str | None:
        first = self.steps[0]
        return FLIP[first.sense] if first.relation == SWITCH_SENSE else first.sense

    def _optimising(self) -> bool:
        return any(s.relation.is_optimiser for s in self.steps) and \
            all(s.sense for s in self.steps)

    def _sides(self, lang: str) -> list[tuple[str, str, str]]:
        """(left, relation, right) LaTeX per step; with a known sense, optimiser chains
        wear arg min / arg max on every row (as rendered derivations do)."""
        arg = self._optimising()
        out = []
        for s in self.steps:
            right = latex(s.after, lang=lang)
            rel = s.relation.latex
            if arg:
                right, rel = rf"{ARG[s.sense]}_{{{self.parameter}}} {right}", "="
            left = ""
            if not out:
                left = latex(self.start, lang=lang)
                if arg:
                    left = rf"{ARG[self.start_sense]}_{{{self.parameter}}} {left}"
            out.append((left, rel, right))
        return out

    def latex(self, lang: str = "en") -> str:
        """An ``align*`` block to paste under the original line; reasons as ``\\tag*``."""
        from .render.latex import justification
        rows = [f"  {left} &{rel} {right} \\tag*{{\\small {justification(s, lang)}}}"
                .replace("   &", "  &") for s, (left, rel, right)
                in zip(self.steps, self._sides(lang))]
        return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"

    def text(self, lang: str = "en") -> str:
        """Plain lines: the start, then ``REL expression    reason [rule]`` per step."""
        out = [f"  {latex(self.start, lang=lang)}"]
        for s in self.steps:
            rel = {"=": "=", "<=": "<="}.get(s.relation.key, "<=>")
            out.append(f"{rel:>3} {latex(s.after, lang=lang)}    "
                       f"{s.justification(lang, lambda e: latex(e, lang=lang))} [{s.rule}]")
        return "\n".join(out)

    def html(self, lang: str = "en") -> str:
        """An HTML fragment: one table row per step (MathML), reason and rule below."""
        from html import escape

        from .render.html.mathml_printer import XentMathMLPrinter, mathml
        from .render.html.sections import justification
        printer = XentMathMLPrinter({"lang": lang})
        rows = [f'<tr><td></td><td class="rhs">{mathml(self.start, True, lang)}</td></tr>']
        for s in self.steps:
            rel = {"=": "=", "<=": "\u2264"}.get(s.relation.key, "\u21d4")
            rows.append(f'<tr class="step" data-rule="{escape(s.rule)}"><td class="rel">'
                        f'{escape(rel)}</td><td class="rhs">{mathml(s.after, True, lang)}</td>'
                        f'<td class="why">{justification(s, lang, printer)} '
                        f'<span class="rule">[{escape(s.rule)}]</span></td></tr>')
        return '<table class="explanation">\n' + "\n".join(rows) + "\n</table>"

    def to_json(self) -> dict:
        results = self.results or (None,) * len(self.steps)
        return {"start": latex(self.start), "applications": self.applications,
                "rules": self.rules,
                "steps": [{"index": s.index, "relation": s.relation_key, "rule": s.rule,
                           "expression": latex(s.after), "text": s.justification("en", latex),
                           "text_zh": s.justification("zh", latex),
                           "status": r.status if r else None,
                           "seconds": round(r.seconds, 4) if r else None}
                          for s, r in zip(self.steps, results)]}


@dataclass(frozen=True)
class Attempt:
    """What explaining one step came to: the explanation, or the reason there is none."""

    explanation: Explanation | None
    reason: str = ""
    applications: int = 0
    rejected: tuple = field(default=())  # why each candidate chain was dropped


def join(parts) -> Explanation:
    """Explanations of consecutive steps as one chain (the steps numbered on)."""
    steps, results = [], []
    for e in parts:
        for s, r in zip(e.steps, e.results or (None,) * len(e.steps)):
            steps.append(replace(s, index=len(steps) + 1))
            results.append(r)
    first = parts[0]
    return Explanation(first.start, tuple(steps), tuple(results),
                       sum(e.applications for e in parts), first.parameter)


def _steps(edges, rhs, relation, wrt, sense, given) -> list[Step]:
    """The chain as derivation steps; the last one ends on ``rhs`` as written."""
    senses, now = [], sense
    for edge in reversed(edges):  # the sense each expression is optimised in
        senses.append(now)
        now = FLIP[now] if edge.rule.relation == SWITCH_SENSE else now
    senses.reverse()
    out = []
    for k, (edge, s) in enumerate(zip(edges, senses), start=1):
        after = rhs if k == len(edges) else edge.after
        rel = edge.rule.relation if relation.is_optimiser or edge.rule.relation != EQUAL \
            else EQUAL
        out.append(Step(k, edge.before, after, rel, edge.rule.name, edge.rule.text,
                        edge.rule.text_zh, tuple(given) + edge.rule.facts(),
                        edge.conditions, tuple(wrt) if relation.is_optimiser else (),
                        s if relation.is_optimiser else None, subject=edge.rule.subject,
                        certificate=edge.certificate))
    return out


def attempt(lhs, rhs, scope=LECTURE, budget: int = BUDGET, *, relation: Relation = EQUAL,
            wrt=(), sense: str | None = None, given=(), parameter: str = "",
            options: Options = Options(), worker=None) -> Attempt:
    """Search a chain from ``lhs`` to ``rhs`` and check it step by step (see module doc)."""
    if canonical(lhs) == canonical(rhs):
        return Attempt(None, SAME)
    if worker is None:
        from .check.worker import Worker
        with Worker() as own:
            return attempt(lhs, rhs, scope, budget, relation=relation, wrt=wrt, sense=sense,
                           given=given, parameter=parameter, options=options, worker=own)
    spent, rejected = Counter(), []
    parameter = parameter or ", ".join(latex(w) for w in wrt)
    for edges in chains(lhs, rhs, relation, wrt, scope, budget, spent):
        steps = _steps(edges, rhs, relation, wrt, sense, given)
        results = []
        for step in steps:
            result = check_step(step, scope, options, worker)
            if result.status != "verified":
                rejected.append(f"step {step.index} ({step.rule}) of a chain "
                                f"{' > '.join(s.rule for s in steps)} is {result.status}: "
                                f"{result.reason}")
                break
            results.append(result)
        else:
            return Attempt(Explanation(lhs, tuple(steps), tuple(results), spent.used,
                                       parameter), "", spent.used, tuple(rejected))
        if len(rejected) >= MAX_CANDIDATES:
            break
    why = NO_CHAIN.format(budget)
    if rejected:
        why += f" (the {len(rejected)} found had a step that is not verified)"
    return Attempt(None, why, spent.used, tuple(rejected))


def explain(lhs, rhs, scope=LECTURE, budget: int = BUDGET, **how) -> Explanation | None:
    """The verified chain of named rules from ``lhs`` to ``rhs``, or None (``attempt``
    says why). ``how``: relation, wrt, sense, given, parameter, options, worker."""
    return attempt(lhs, rhs, scope, budget, **how).explanation


# --- steps of a document ----------------------------------------------------------------

class _Recorder:
    """A worker that remembers each claim check-doc submits (the step and its scope) and
    passes it on: the claim as check-doc built it is the one explained."""

    def __init__(self, worker):
        self.worker, self.sent = worker, []

    def submit(self, fn, *args):
        self.sent.append(args[:2])  # symbolic_task(step, scope, sides): the step and scope
        return self.worker.submit(fn, *args)

    def result(self, timeout):
        return self.worker.result(timeout)


def _checker(doc, options, recorder):
    """check-doc's checker, noting which claims each row of the document submitted."""
    from .checkdoc import _Checker

    class Noting(_Checker):
        claims: dict = {}

        def _run(self, st, row, *rest):
            before = len(recorder.sent)
            super()._run(st, row, *rest)
            self.claims[id(row)] = recorder.sent[before:]
    checker = Noting(doc, options, recorder, diagnose=False)
    checker.claims = {}
    return checker


def _read(path: str, options: Options, worker, last_line: int | None = None):
    """check-doc's reading of the document (up to the display that holds ``last_line``),
    with the claims each row submitted."""
    from . import document as docs
    doc = docs.read_document(path)
    recorder = _Recorder(worker)
    # Every claim goes to the worker (a cached verdict would skip it).
    checker = _checker(doc, replace(options, cache=None), recorder)
    previous_end, done = 0, 0
    for display in docs.displays(doc):
        if last_line is not None and display.line > last_line:
            break
        checker.enter(display, previous_end)
        previous_end = display.end
        for chain in docs.chains(display, done + 1):
            checker.chain(chain)
            done += 1
        checker.end_display()
    return checker


def _explained(checker, rows, options, budget, worker) -> list:
    """``[(row, attempt or None)]``: verified rows get an attempt, the others None."""
    out = []
    for row in rows:
        sent = checker.claims.get(id(row), [])
        if row.status != "verified" or not sent:
            out.append((row, None))
            continue
        claim, scope = sent[-1]  # the check that verified the row comes last
        # arg max under the name the author wrote (theta), not the values it moves (y-hat)
        under = _UNDER.search(f"{row.lhs} {row.rhs}")
        out.append((row, attempt(claim.before, claim.after, scope, budget,
                                 relation=claim.relation, wrt=claim.wrt, sense=claim.sense,
                                 given=claim.given, options=options, worker=worker,
                                 parameter=under.group(1).strip("{}") if under else "")))
    return out


def _with_worker(fn, *args):
    from .check.worker import Worker
    with Worker() as worker:
        return fn(*args, worker)


def explain_document(path: str, line: int, options: Options = Options(),
                     budget: int = BUDGET, step: int | None = None, worker=None) -> list:
    """``[(row, attempt)]`` for the steps of the chain on ``line`` of the document (only
    step number ``step`` when given): each row as check-doc reports it, and the attempt to
    explain it when it is verified (None otherwise)."""
    from .errors import XentsymError
    if worker is None:
        return _with_worker(explain_document, path, line, options, budget, step)
    checker = _read(path, options, worker, line)
    rows = [r for r in checker.report.steps if r.line == line and step in (None, r.step)]
    if not rows:
        what = f"step {step} of a chain" if step else "step of a chain"
        raise XentsymError(f"no {what} on this line (check-doc lists the steps it reads)",
                           file=path, line=line)
    return _explained(checker, rows, options, budget, worker)


def explain_all(path: str, options: Options = Options(), budget: int = BUDGET,
                worker=None) -> tuple:
    """``(report, [(row, attempt)])``: check-doc's report of the whole document, and an
    attempt for each verified step (what ``check-doc --explain`` prints)."""
    if worker is None:
        return _with_worker(explain_all, path, options, budget)
    checker = _read(path, options, worker)
    return checker.report, _explained(checker, checker.report.steps, options, budget, worker)


def explain_document_step(path: str, line: int, options: Options = Options(),
                          budget: int = BUDGET, step: int | None = None) -> Explanation | None:
    """The verified chain of named rules for the verified step on ``line``; for several
    consecutive verified steps on one line, their chains one after another. None when there
    is none, or one of them is not explained (``explain_document`` says why)."""
    found = [(row, a) for row, a in explain_document(path, line, options, budget, step)
             if row.status == "verified"]
    numbers = [row.step for row, _ in found]
    if not found or numbers != list(range(numbers[0], numbers[0] + len(numbers))) or \
            any(a.explanation is None for _, a in found):
        return None
    return join([a.explanation for _, a in found])
