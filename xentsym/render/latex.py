"""Derivations as LaTeX: an align* block a teacher can paste, or a whole document for a PDF."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..derivation import Derivation, Step
from ..errors import XentsymError
from ..relations import EQUAL
from .printer import latex

_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}",
                 "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\~{}"}
ARG = {"min": r"\arg\min", "max": r"\arg\max"}


def escape_text(text: str) -> str:
    """Text made safe for \\text{...}."""
    return "".join(_TEXT_ESCAPES.get(ch, ch) for ch in text)


def justification(step: Step, lang: str = "en") -> str:
    """The step's reason in LaTeX: text in \\text{}, named expressions as math."""
    parts = step.template(lang).split("{}")
    shown = ", ".join(latex(e) for e in step.subject)
    out = []
    for j, part in enumerate(parts):
        if part.strip():
            out.append(rf"\text{{{escape_text(part)}}}")
        if j < len(parts) - 1:
            out.append(shown)
    return " ".join(out)


def _because(step: Step, lang: str) -> str:
    # Side conditions are listed in the Markdown and HTML views; here they would not fit.
    return justification(step, lang)


def rows(d: Derivation, lang: str = "en") -> list[str]:
    """One line per step: ``lhs &= rhs && \\text{why}``; optimiser steps as arg min/max."""
    out: list[str] = []
    param = d.parameter or ",".join(latex(w) for w in d.wrt)
    sense = d.sense
    in_optimiser = False
    for s in d.steps:
        why = _because(s, lang)
        if s.relation.is_optimiser and not in_optimiser:
            in_optimiser = True
            earlier_equal = all(x.relation == EQUAL for x in d.steps[: s.index - 1])
            prev = d.start if earlier_equal else s.before
            left = rf"{ARG[sense]}_{{{param}}} {latex(prev)}"
            out.append(rf"{left} &= {ARG[s.sense]}_{{{param}}} {latex(s.after)} && {why}")
        elif in_optimiser:
            out.append(rf"&= {ARG[s.sense]}_{{{param}}} {latex(s.after)} && {why}")
        else:
            left = latex(d.start) if not out else ""
            out.append(rf"{left} &{s.relation.latex} {latex(s.after)} && {why}")
        sense = s.sense
    return out


def block(d: Derivation, lang: str = "en", env: str = "align*") -> str:
    """The derivation as one LaTeX environment (``align*`` or ``aligned``)."""
    body = " \\\\\n".join("  " + r for r in rows(d, lang))
    return f"\\begin{{{env}}}\n{body}\n\\end{{{env}}}"


def snippet(d: Derivation, lang: str = "en") -> str:
    """What ``render --format latex`` prints: a comment naming the derivation, then the block."""
    title = d.title_zh if lang == "zh" and d.title_zh else d.title
    return f"% {d.name}: {title}\n% needs \\usepackage{{amsmath}}\n{block(d, lang)}\n"


def document(derivations: list[Derivation], lang: str = "en") -> str:
    """A complete LaTeX document with every derivation (ctex for Chinese)."""
    head = [r"\documentclass[11pt]{article}", r"\usepackage[margin=2cm,landscape]{geometry}",
            r"\usepackage{amsmath,amssymb}"]
    if lang == "zh":
        head.append(r"\usepackage[UTF8]{ctex}")
    parts = head + [r"\begin{document}"]
    for d in derivations:
        title = d.title_zh if lang == "zh" and d.title_zh else d.title
        parts += [rf"\section*{{{escape_text(title)}}}", block(d, lang)]
    parts.append(r"\end{document}")
    return "\n".join(parts) + "\n"


ENGINES = {"en": ("pdflatex", "texlive-latex-base texlive-latex-recommended"),
           "zh": ("xelatex", "texlive-xetex texlive-lang-chinese")}


def compile_pdf(source: str, out: Path, lang: str = "en", timeout: float = 180) -> Path:
    """Compile a LaTeX document to ``out``; errors name the first LaTeX error line."""
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
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, out)
    return out
