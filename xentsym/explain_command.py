"""The ``explain`` subcommand (and ``check-doc --explain``'s printing): arguments and action."""
from __future__ import annotations

import argparse
import json
import sys
from html import escape

from .errors import XentsymError

EXIT_OK, EXIT_FAILED = 0, 1
FORMATS = ("latex", "text", "json", "html")


def add_arguments(parser) -> None:
    """The arguments of ``xentsym explain``."""
    parser.add_argument("where", metavar="FILE:LINE",
                        help="a document and the line of a verified step (as check-doc "
                             "prints it)")
    parser.add_argument("--step", type=_whole, default=None, metavar="K",
                        help="only step K of the chain on that line (default: every step)")
    parser.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the justifications (default en)")
    parser.add_argument("--format", choices=FORMATS, default="latex",
                        help="latex: an align* block to paste under the line (default)")
    parser.add_argument("--budget", type=_whole, default=None, metavar="N",
                        help="rule applications the search may spend per step (default 400)")
    parser.add_argument("--samples", type=_whole, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here instead of stdout")


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"takes a whole number from 1, not {text!r}")
    return value


def where(text: str) -> tuple[str, int]:
    """``FILE:LINE`` split in two; a one-line error when LINE is missing or not a number.

    >>> where("notes/lecture.md:91")
    ('notes/lecture.md', 91)
    """
    path, sep, line = text.rpartition(":")
    if not sep or not path or not line.isdigit() or int(line) < 1:
        raise XentsymError(f"expected FILE:LINE (a line number from 1), not {text!r}")
    return path, int(line)


def _options(args):
    from .verify import Options
    return Options(args.samples, args.seed, args.timeout, None)


def run(args, out=None) -> int:
    """``xentsym explain FILE:LINE``: the chain of named rules behind each verified step on
    that line; exit 1 when one of them is not explained (or not verified)."""
    from .explain import BUDGET, explain_document
    out = out or sys.stdout
    path, line = where(args.where)
    found = explain_document(path, line, _options(args), args.budget or BUDGET, args.step)
    out.write(render(path, found, args.format, args.lang))
    verified = [a for row, a in found if row.status == "verified"]
    explained = verified and all(a.explanation is not None for a in verified)
    return EXIT_OK if explained else EXIT_FAILED


def _why(row, a) -> str:
    """Why a row has no explanation."""
    if a is None:
        return f"{row.status}: only a verified step is explained"
    return f"verified, not explained: {a.reason}"


def render(path: str, found, fmt: str, lang: str = "en") -> str:
    """The rows and their explanations in ``fmt`` (latex, text, json or html)."""
    if fmt == "json":
        return json.dumps([step_json(path, row, a) for row, a in found], indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "html":
        return page(path, found, lang)
    if fmt == "latex":
        return "\n".join(_latex(path, run, lang) for run in _runs(found)) + "\n"
    parts = []
    for row, a in found:
        head = f"{path}:{row.line}: chain {row.chain} step {row.step}"
        e = a.explanation if a is not None else None
        parts.append(f"{head}: " + (f"{len(e.steps)} rule(s), each step verified\n"
                                    + e.text(lang) if e else _why(row, a)))
    return "\n".join(parts) + "\n"


def _runs(found) -> list[list]:
    """The rows in runs: consecutive explained steps together (one block to paste), every
    other row alone."""
    runs: list[list] = []
    for row, a in found:
        ok = a is not None and a.explanation is not None
        last = runs[-1][-1] if runs else None
        if ok and last and last[1] is not None and last[1].explanation is not None and \
                last[0].chain == row.chain and last[0].step + 1 == row.step:
            runs[-1].append((row, a))
        else:
            runs.append([(row, a)])
    return runs


def _latex(path: str, run, lang: str) -> str:
    """One run as LaTeX: a comment naming the steps and rules, then the align* block."""
    from .explain import join
    row, a = run[0]
    steps = "-".join(dict.fromkeys([str(row.step), str(run[-1][0].step)]))
    head = f"% {path}:{row.line}: chain {row.chain} step {steps}"
    if a is None or a.explanation is None:
        return f"{head}: {_why(row, a)}"
    e = join([x.explanation for _, x in run])
    return f"{head}: {' > '.join(e.rules)}\n{e.latex(lang)}"


def step_json(path: str, row, a) -> dict:
    """One row: where it is, its status, and its explanation or the reason there is none."""
    e = a.explanation if a is not None else None
    return {"file": path, "line": row.line, "chain": row.chain, "step": row.step,
            "status": row.status, "explained": e is not None,
            "reason": "" if e else _why(row, a),
            "applications": a.applications if a is not None else 0,
            "explanation": e.to_json() if e else None}


def page(path: str, found, lang: str = "en") -> str:
    """A self-contained HTML page (MathML, no script, no network) of the explanations."""
    body = []
    for row, a in found:
        e = a.explanation if a is not None else None
        body.append(f'<section data-line="{row.line}" data-step="{row.step}">'
                    f"<h2>{escape(path)}:{row.line}, step {row.step}</h2>"
                    + (e.html(lang) if e else f'<p class="none">{escape(_why(row, a))}</p>')
                    + "</section>")
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{escape(path)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


STYLE = ("body{font-family:serif;max-width:60em;margin:2em auto}"
         "table.explanation td{padding:.2em .5em;vertical-align:middle}"
         "td.why{color:#444;font-size:90%}span.rule{color:#888}")


def check_doc_text(report, found, fmt: str = "text", lang: str = "en") -> str:
    """``check-doc --explain``: the report, then each verified step's chain (text or JSON;
    JSON adds ``explanation`` and ``explained`` to every step)."""
    if fmt == "json":
        data = report.to_dict()
        for step, (row, a) in zip(data["steps"], found):
            extra = step_json(report.file, row, a)
            step.update(explained=extra["explained"], explanation=extra["explanation"],
                        explain_reason=extra["reason"] if row.status == "verified" else "")
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    below = {}  # the header check-doc prints for a verified row -> what goes under it
    for row, a in found:
        if row.status == "verified":
            e = a.explanation if a is not None else None
            said = e.text(lang).splitlines() if e else []
            below[f"{report.file}:{row.line}: chain {row.chain} step {row.step} verified"] = \
                ["    explained: " + (" > ".join(e.rules) if e else f"no, {a.reason}")] + \
                [f"      {x}" for x in said]
    out, pending = [], []
    for line in report.text().splitlines():
        if pending and not line.startswith("    "):  # after the row and its assumptions
            out += pending
            pending = []
        out.append(line)
        head = next((h for h in below if line == h or line.startswith(h + ":")), None)
        if head is not None:
            pending = below.pop(head)
    return "\n".join(out + pending) + "\n"


def check_doc(args, out) -> int:
    """``check-doc --explain``: each document checked as check-doc does, one after another,
    with the chain of named rules under every verified step (text, or JSON with
    ``explanation`` per step; --format github prints the annotations alone)."""
    from .docreport import counts_line
    from .explain import explain_all
    from .paths import collect
    from .verify import Options
    documents, single = collect(args.paths)
    options = Options(args.samples, args.seed, args.timeout, None)
    code, dicts, totals = EXIT_OK, [], None
    for path in documents:
        report, found = explain_all(str(path), options)
        code = code if report.ok() else EXIT_FAILED
        counts = report.summary()
        totals = counts if totals is None else {k: totals[k] + counts[k] for k in totals}
        if args.format == "json":
            dicts.append(json.loads(check_doc_text(report, found, "json")))
        elif args.format == "github":
            out.write("".join(f"{line}\n" for line in report.github()))
        else:
            out.write(check_doc_text(report, found, "text") + ("" if single else "\n"))
    if args.format == "json":
        out.write(json.dumps(dicts[0] if single else dicts, indent=2, ensure_ascii=False) + "\n")
    elif not single or args.format == "github":
        out.write(f"xentsym check-doc: {len(documents)} document"
                  f"{'' if len(documents) == 1 else 's'}: {counts_line(totals)}\n")
    return code
