"""Derivations as Markdown: a heading, the steps as a $$ aligned $$ block, one line per rule."""
from __future__ import annotations

from ..derivation import Derivation
from . import latex as tex
from .printer import latex

WORDS = {"en": {"step": "Step", "needs": "needs", "rule": "rule"},
         "zh": {"step": "第", "needs": "条件", "rule": "规则"}}


def markdown(d: Derivation, lang: str = "en") -> str:
    """One derivation as Markdown (renders with MathJax or KaTeX)."""
    w = WORDS[lang]
    title = d.title_zh if lang == "zh" and d.title_zh else d.title
    lines = [f"## {title}", ""]
    if d.description and lang == "en":
        lines += [d.description, ""]
    lines += ["$$", tex.block(d, lang, env="aligned"), "$$", ""]
    for s in d.steps:
        conds = [f"${c.latex(latex)}$" for c in s.conditions if c.kind != "real"]
        need = f"; {w['needs']} " + ", ".join(dict.fromkeys(conds)) if conds else ""
        lines.append(f"{s.index}. {s.justification(lang)} ({w['rule']} `{s.rule}`){need}")
    return "\n".join(lines) + "\n"
