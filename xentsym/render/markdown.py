"""Derivations as Markdown: a heading, the steps as a $$ aligned $$ block, one line per rule."""
from __future__ import annotations

from ..derivation import Derivation
from . import latex as tex
from .html.words import ICON
from .html.words import WORDS as VERDICTS
from .printer import latex

WORDS = {"en": {"step": "Step", "needs": "needs", "rule": "rule"},
         "zh": {"step": "第", "needs": "条件", "rule": "规则"}}


def _verdict(result, index: int, lang: str) -> str:
    """A marker before a step that the checks did not verify: **✗ refuted**, **? unproven**."""
    if result is None:
        return ""
    status = result.steps[index - 1].status
    return "" if status == "verified" else f"**{ICON[status]} {VERDICTS[lang][status]}** "


def markdown(d: Derivation, lang: str = "en", result=None) -> str:
    """One derivation as Markdown (renders with MathJax or KaTeX); with a verify result,
    the steps that are not verified are marked."""
    w = WORDS[lang]
    title = d.title_zh if lang == "zh" and d.title_zh else d.title
    mark = "" if result is None or result.status == "verified" else \
        f" ({ICON[result.status]} {VERDICTS[lang][result.status]})"
    lines = [f"## {title}{mark}", ""]
    if d.description and lang == "en":
        lines += [d.description, ""]
    lines += ["$$", tex.block(d, lang, env="aligned"), "$$", ""]
    for s in d.steps:
        conds = [f"${c.latex(latex)}$" for c in s.conditions if c.kind != "real"]
        need = f"; {w['needs']} " + ", ".join(dict.fromkeys(conds)) if conds else ""
        why = s.justification(lang, show=lambda e: f"${latex(e)}$")
        lines.append(f"{s.index}. {_verdict(result, s.index, lang)}{why} "
                     f"({w['rule']} `{s.rule}`){need}")
    return "\n".join(lines) + "\n"
