"""The HTML page of a checked document: its displays in order, each step with its verdict.

``check-doc --format html`` writes it for students and teachers: every display as its author
typed it (MathML from the source, :mod:`.texmath`), then each step of its chains with a badge,
the reason, the diagnosis of a refuted step with the corrected step, the counterexample and
the assumptions the verdict used. Like the derivation pages it needs nothing at view time.
"""
from __future__ import annotations

import re
from html import escape

from ... import document as docs
from ...docreport import REASONS, counts_line
from .pages import shell
from .sections import counterexample_text
from .texmath import tex_mathml

ICONS = {"verified": "\u2713", "refuted": "\u2717", "unproven": "?", "unparsed": "!",
         "defined": "\u2254", "condition": "\u2022", "unchecked": "\u2013"}
RELATIONS = {"=": "=", "<=": "\u2264", ">=": "\u2265", "<": "&lt;", ">": "&gt;",
             "!=": "\u2260"}
SIDES = {"right": "the right side", "left": "the left side", "relation": "the relation"}
LEAD = ("Each displayed formula of the document, as written, followed by the steps of its "
        "chains. A step is verified when it is proved symbolically and confirmed on random "
        "samples; refuted when a value inside its domain breaks it (the counterexample is "
        "shown, with the slip when one edit makes the step hold).")

DOC_CSS = """
.xentsym section.display { margin: 1.6em 0; border: 1px solid var(--rule);
  border-radius: 8px; padding: .6em 1em .4em; }
.xentsym .where { color: var(--muted); font-size: .8em; }
.xentsym div.formula { overflow-x: auto; padding: .2em 0 .6em; }
.xentsym table.doc-steps { border-collapse: collapse; width: 100%; }
.xentsym table.doc-steps td { padding: .35em .4em; vertical-align: baseline;
  border-top: 1px solid var(--rule); }
.xentsym table.doc-steps td.claim { width: 100%; overflow-x: auto; }
.xentsym table.doc-steps td.where { white-space: nowrap; }
.xentsym div.findings { display: flex; flex-direction: column; gap: .3em; font-size: .9em;
  padding: 0 .4em .6em; }
.xentsym .diagnosis { padding: .4em .6em; border-radius: 6px; background: var(--open-bg); }
.xentsym ul.assumptions { margin: 0; padding-left: 1.3em; color: var(--muted); }
.xentsym .badge.unparsed { color: var(--bad); background: #fff; border-color: #f4b8b1; }
.xentsym .badge.defined, .xentsym .badge.condition, .xentsym .badge.unchecked {
  color: var(--muted); background: #f3f4f6; border-color: var(--rule); }
.xentsym ul.problems li { color: var(--bad); }
"""


def _math(tex: str, display: bool = False) -> str:
    attrs = ' display="block"' if display else ' displaystyle="true"'
    return f"<math{attrs}>{tex_mathml(tex, display=True)}</math>"


def _claim(lhs: str, relation: str, rhs: str) -> str:
    rel = RELATIONS.get(relation, escape(relation))
    return (f'<math displaystyle="true"><mrow>{tex_mathml(lhs, True)}<mo>{rel}</mo>'
            f"{tex_mathml(rhs, True)}</mrow></math>")


def badge(status: str) -> str:
    """A step's status as the badge of the derivation pages."""
    return (f'<span class="badge {escape(status)}" data-status="{escape(status)}">'
            f"{ICONS.get(status, '')} {escape(status)}</span>")


def _diagnosis(step) -> str:
    d = step.diagnosis
    if d.side == "relation":
        corrected = _claim(step.lhs, _relation_of(d.corrected), step.rhs)
    elif d.side == "left":
        corrected = _claim(d.corrected, step.relation, step.rhs)
    else:
        corrected = _claim(step.lhs, step.relation, d.corrected)
    return (f'<div class="diagnosis" data-kind="{escape(d.kind)}">'
            f"<strong>diagnosis</strong>: {escape(d.message)}<br>"
            f"corrected ({escape(SIDES.get(d.side, d.side))}): {corrected}</div>")


def _relation_of(tex: str) -> str:
    """A corrected relation given as LaTeX (\\le) as the report's relation names (<=)."""
    return {r"\le": "<=", r"\leq": "<=", r"\ge": ">=", r"\geq": ">=", r"\neq": "!="}.get(
        tex.strip(), tex.strip())


def step_rows(step) -> str:
    """One step: where it stands, the claim, the badge; then what the check found."""
    head = (f'<tr class="step" data-status="{escape(step.status)}" data-line="{step.line}">'
            f'<td class="where">line {step.line} &middot; chain {step.chain} step {step.step}'
            f'</td><td class="claim">{_claim(step.lhs, step.relation, step.rhs)}</td>'
            f"<td>{badge(step.status)}</td></tr>")
    found = []
    message = step.message or REASONS.get(step.status, "")
    if message and not (step.counterexample is not None and message.startswith("counterexample")):
        found.append(f'<span class="reason">{escape(message)}</span>')
    if step.diagnosis is not None:
        found.append(_diagnosis(step))
    if step.counterexample is not None:
        found.append(f'<span class="counterexample">counterexample: '
                     f"{escape(counterexample_text(step.counterexample))}</span>")
    if step.assumptions and step.status in ("verified", "refuted", "unproven"):
        found.append('<ul class="assumptions">' + "".join(
            f"<li>assuming {escape(a)}</li>" for a in step.assumptions) + "</ul>")
    return head + (f'<tr class="found"><td colspan="3"><div class="findings">'
                   f'{"".join(found)}</div></td></tr>' if found else "")


def _steps_table(steps) -> str:
    if not steps:
        return ""
    return ('<table class="doc-steps"><tbody>' + "".join(step_rows(s) for s in steps)
            + "</tbody></table>")


def _placed(report, doc) -> tuple[list, list]:
    """(display, its steps) in reading order, and the steps no display holds; chains are
    numbered across displays as check-doc numbers them."""
    by_chain: dict[int, list] = {}
    for s in report.steps:
        by_chain.setdefault(s.chain, []).append(s)
    placed, done = [], 0
    for display in docs.displays(doc) if doc is not None else ():
        numbers = [c.number for c in docs.chains(display, done + 1)]
        done += len(numbers)
        placed.append((display, [s for n in numbers for s in by_chain.pop(n, [])]))
    return placed, [s for steps in by_chain.values() for s in steps]


def _body(report, doc, heading: str = "h1") -> list[str]:
    """One document's part of a page: its name, counts, problems and displays."""
    placed, loose = _placed(report, doc)
    body = [f'<{heading} class="document">{escape(report.file)}</{heading}>',
            f'<p class="summary">{escape(counts_line(report.summary()))}</p>']
    problems = [f"<li>line {ln}, column {col}: {escape(m)}</li>"
                for ln, col, m in report.errors]
    problems += [f"<li>line {ln}: warning: {escape(m)}</li>" for ln, m in report.warnings]
    if problems:
        body.append('<ul class="problems">' + "".join(problems) + "</ul>")
    for j, (display, steps) in enumerate(placed, 1):
        status = ",".join(sorted({s.status for s in steps}))
        body.append(f'<section class="display" id="{_anchor(report.file)}-{j}" '
                    f'data-line="{display.line}" data-statuses="{escape(status)}">'
                    f'<div class="where">line {display.line}</div><div class="formula">'
                    f"{_math(display.latex, display=True)}</div>{_steps_table(steps)}</section>")
    if loose:
        body.append(f'<section class="display" id="{_anchor(report.file)}-other">'
                    f'<div class="where">other findings</div>{_steps_table(loose)}</section>')
    return body


def _anchor(file: str) -> str:
    return "doc-" + re.sub(r"[^A-Za-z0-9_-]", "-", file)


def page(report, doc) -> str:
    """The page of ``report`` (a :class:`xentsym.docreport.DocReport`) on ``doc`` (the
    :class:`xentsym.document.Document` it checked; None for a file that could not be read:
    its report's errors and steps are shown without displays)."""
    body = _body(report, doc)
    body.insert(1, f'<p class="lead">{escape(LEAD)}</p>')
    return shell(f"xentsym check-doc: {report.file}", body, "en", DOC_CSS)


def book(checked) -> str:
    """One page for several documents: ``checked`` holds (report, document) pairs, in the
    order they were given."""
    checked = list(checked)
    if len(checked) == 1:
        return page(*checked[0])
    total = dict.fromkeys(checked[0][0].summary(), 0) if checked else {}
    for report, _ in checked:
        total = {k: total[k] + v for k, v in report.summary().items()}
    body = ["<h1>xentsym check-doc</h1>", f'<p class="lead">{escape(LEAD)}</p>',
            f'<p class="summary">{len(checked)} documents: {escape(counts_line(total))}</p>']
    for report, doc in checked:
        body += _body(report, doc, "h2")
    return shell("xentsym check-doc", body, "en", DOC_CSS)


__all__ = ["badge", "book", "page", "step_rows"]
