"""Derivations as LaTeX that fits a portrait page: an align* block per derivation, or a document.

Each step is ``&= right side`` with its justification as a ``\\tag*`` (amsmath moves a tag
that does not fit onto its own line); a long justification gets a row of its own, wrapped.
Long sides break between the terms of a sum (see :mod:`.texwidth`), a wide starting
expression stands on its own line. A step the checks did not verify carries a framed mark.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..derivation import Derivation, Step
from ..errors import XentsymError
from ..relations import EQUAL
from .html.words import WORDS
from .printer import latex
from .texwidth import break_lines, estimate, text_width
from .textex import escape_text as escape_text
from .textex import math_text, pieces, with_math

ARG = {"min": r"\arg\min", "max": r"\arg\max"}
# Em a display line may take: article's text width is 32.5-34.5 em at 10-12 pt on A4 or
# letter; the rest is slack for the estimate.
WIDTH = 30.0
INDENT = 2.0  # \qquad before a continued line
PAPERS = {"a4": "a4paper", "letter": "letterpaper"}
NOT_CHECKED = {lang: words["not_checked"] for lang, words in WORDS.items()}


def justification(step: Step, lang: str = "en") -> str:
    """The step's reason as text-mode LaTeX: words escaped, $math$ and the subject typeset."""
    shown = ", ".join(latex(e, lang=lang) for e in step.subject)
    return with_math(step.template(lang), lang, fill=shown if step.subject else None)


def math_reason(step: Step, lang: str = "en") -> str:
    """The reason as math-mode LaTeX (for ``aligned``, where MathJax reads no $ in \\text):
    words in \\text{}, $math$ and the subject as math."""
    shown = ", ".join(latex(e, lang=lang) for e in step.subject)
    out = []
    for is_math, piece in pieces(step.template(lang)):
        if is_math:
            out.append(math_text(piece))
            continue
        for j, part in enumerate(piece.split("{}") if step.subject else [piece]):
            if j:
                out.append(shown)
            if part.strip():
                out.append(rf"\text{{{escape_text(part, lang)}}}")
    return " ".join(out)


def _sides(d: Derivation, lang: str = "en") -> list[tuple]:
    """(left or None, relation, right) per step; optimiser steps wear arg min / arg max."""
    out: list[tuple] = []
    param = d.parameter or ",".join(latex(w) for w in d.wrt)
    sense, in_optimiser = d.sense, False
    for s in d.steps:
        right = latex(s.after, breaks=True, lang=lang)
        if s.relation.is_optimiser and not in_optimiser:
            in_optimiser = True
            earlier_equal = all(x.relation == EQUAL for x in d.steps[: s.index - 1])
            prev = d.start if earlier_equal else s.before
            before = latex(prev, breaks=True, lang=lang)
            out.append((rf"{ARG[sense]}_{{{param}}} {before}", "=",
                        rf"{ARG[s.sense]}_{{{param}}} {right}"))
        elif in_optimiser:
            out.append((None, "=", rf"{ARG[s.sense]}_{{{param}}} {right}"))
        else:
            left = latex(d.start, breaks=True, lang=lang) if not out else None
            out.append((left, s.relation.latex, right))
        sense = s.sense
    return out


def _mark(status: str | None, lang: str) -> str:
    if status in (None, "verified"):
        return ""
    return rf"\fbox{{\bfseries {escape_text(WORDS[lang][status].upper(), lang)}}}\ "


def _tag(why: str, mark: str) -> list[str]:
    """The justification as a tag on the step's last line, or as a wrapped row below it."""
    if text_width(why) <= WIDTH / 2:
        return [rf"\tag*{{{mark}\small {why}}}", ""]
    box = rf"\parbox{{0.8\linewidth}}{{\raggedleft{mark}\small {why}}}"
    return ["", rf"\tag*{{{box}}}"]


def rows(d: Derivation, lang: str = "en", statuses=None) -> list[str]:
    """The lines of the align* block: the chain, broken to fit, each reason as a tag."""
    sides = _sides(d, lang)
    lefts = [estimate(left) for left, _, _ in sides if left]
    stacked = max(lefts, default=0.0) > WIDTH / 3
    budget = WIDTH - (0 if stacked else max(lefts, default=0.0)) - 1.5
    out: list[str] = []
    for s, (left, rel, right) in zip(d.steps, sides):
        if left and stacked:
            head, *more = break_lines(left, WIDTH, WIDTH - INDENT)
            out += [f"& {head}"] + [rf"&\qquad {{}}{ln}" for ln in more]
        first, *more = break_lines(right, budget, budget - INDENT)
        lead = "" if stacked or not left else left.replace("\x00", "")
        lines = [f"{lead} &{rel} {first}".strip()] + [rf"&\qquad {{}}{ln}" for ln in more]
        status = statuses[s.index - 1] if statuses else None
        same, below = _tag(justification(s, lang), _mark(status, lang))
        lines[-1] += " " + same if same else ""
        if below:
            lines.append(f"& {below}")
        out += lines
    return out


def block(d: Derivation, lang: str = "en", env: str = "align*", statuses=None) -> str:
    """The derivation as an ``align*`` that fits the page, or (``env="aligned"``, for
    MathJax and notebooks, which scroll) one line per step with its reason beside it."""
    if env == "align*":
        body = " \\\\\n".join("  " + r for r in rows(d, lang, statuses))
    else:
        body = " \\\\\n".join(
            f"  {left or ''} &{rel} {right} && {math_reason(s, lang)}".replace("\x00", "")
            for s, (left, rel, right) in zip(d.steps, _sides(d, lang)))
    return f"\\begin{{{env}}}\n{body}\n\\end{{{env}}}"


def title(d: Derivation, lang: str) -> str:
    return d.title_zh if lang == "zh" and d.title_zh else d.title


def snippet(d: Derivation, lang: str = "en", result=None, section: bool = False) -> str:
    """What ``render --format latex`` prints for one derivation: a comment naming it (with
    a \\section when several are rendered), the block, and a note if a step is not verified."""
    statuses = [r.status for r in result.steps] if result is not None else None
    head = [f"% {d.name}: {title(d, 'en')}", "% needs \\usepackage{amsmath}"]
    if section:
        # Ragged: a long title with a hyphenated word cannot stick out of the margin.
        shown = with_math(title(d, lang), lang)
        head.append(rf"\section[{shown}]{{\raggedright {shown}}}")
    tail = ""
    if result is not None and result.status != "verified":
        tail = (f"\\noindent\\fbox{{\\bfseries {escape_text(WORDS[lang][result.status], lang)}"
                f"}} {escape_text(WORDS[lang]['marked'], lang)}\n")
    return "\n".join(head) + "\n" + block(d, lang, statuses=statuses) + "\n" + tail


def preamble(lang: str = "en", paper: str = "a4") -> list[str]:
    """A portrait article at 11 pt; ctex for Chinese (xelatex). English needs no font
    package: its text is ASCII once :mod:`.textex` has mapped it."""
    head = [rf"\documentclass[11pt,{PAPERS[paper]}]{{article}}",
            rf"\usepackage[{PAPERS[paper]},margin=25mm]{{geometry}}",
            r"\usepackage{amsmath,amssymb}"]
    if lang == "zh":
        return head + [r"\usepackage[UTF8]{ctex}"]
    return head


def document(derivations: list[Derivation], lang: str = "en", results=None,
             paper: str = "a4", checked: bool = True) -> str:
    """A complete LaTeX document: a \\section per derivation, marks on unverified steps."""
    by_name = {r.derivation.name: r for r in results or ()}
    parts = preamble(lang, paper) + [r"\begin{document}"]
    if not checked:
        parts.append(rf"\noindent\fbox{{{escape_text(NOT_CHECKED[lang], lang)}}}")
    for d in derivations:
        parts.append(snippet(d, lang, by_name.get(d.name), section=True))
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


ENGINES = {"en": ("pdflatex", "texlive-latex-base texlive-latex-recommended"),
           "zh": ("xelatex", "texlive-xetex texlive-lang-chinese")}


def compile_pdf(source: str, out: Path, lang: str = "en", timeout: float = 180) -> Path:
    """Compile a LaTeX document to ``out`` (whose folder must exist); errors name the first
    LaTeX error line."""
    engine, packages = ENGINES[lang]
    exe = shutil.which(engine)
    if exe is None:
        raise XentsymError(f"{engine} is not installed; on Debian: apt-get install {packages}")
    with tempfile.TemporaryDirectory(prefix="xentsym-tex-") as tmp:
        tex = Path(tmp) / "derivation.tex"
        tex.write_text(source, encoding="utf-8")
        try:
            run = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error",
                                  "-no-shell-escape", tex.name], cwd=tmp, capture_output=True,
                                 timeout=timeout, text=True, errors="replace")
        except subprocess.TimeoutExpired:
            raise XentsymError(f"{engine} did not finish within {timeout:g} s") from None
        pdf = tex.with_suffix(".pdf")
        if run.returncode != 0 or not pdf.exists():
            errors = [ln for ln in run.stdout.splitlines() if ln.startswith("!")]
            raise XentsymError(f"{engine} failed: {errors[0] if errors else 'see its log'}")
        try:
            shutil.copyfile(pdf, out)
        except OSError as exc:
            raise XentsymError(f"cannot write: {exc.strerror or exc}", file=str(out)) from None
    return out
