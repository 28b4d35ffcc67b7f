"""Text for LaTeX: escaped, with inline $math$ kept, and Unicode that pdflatex lacks mapped.

A justification may hold inline math (``$\\sigma' = \\sigma(1 - \\sigma)$``): it is typeset, the
text around it escaped. Greek letters and math signs typed as Unicode (σ, ≤, ∑, ²) become
LaTeX commands, accents become accent commands, so English output compiles with pdflatex
whatever the titles hold; CJK passes through for xelatex. A character with no mapping is
written as its code point in English output rather than breaking the compile.
"""
from __future__ import annotations

import re
import unicodedata

_TEXT_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "^": r"\^{}",
                 "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "~": r"\~{}",
                 "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
_UPPER_GREEK = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
                "Psi", "Omega"}
_GREEK_VARIANT = {"\u03f5": r"\epsilon", "\u03b5": r"\varepsilon", "\u03c2": r"\varsigma",
                  "\u03d1": r"\vartheta", "\u03d5": r"\phi", "\u03c6": r"\varphi",
                  "\u03bb": r"\lambda", "\u03bf": "o"}
MATH_SIGNS = {
    "≤": r"\le", "≥": r"\ge", "≠": r"\neq", "≈": r"\approx", "→": r"\to", "←": r"\leftarrow",
    "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "↦": r"\mapsto", "∞": r"\infty",
    "∑": r"\sum", "∏": r"\prod", "∫": r"\int", "∂": r"\partial", "∇": r"\nabla", "∈": r"\in",
    "∉": r"\notin", "·": r"\cdot", "⋅": r"\cdot", "×": r"\times", "±": r"\pm", "−": "-",
    "′": "'", "″": "''", "‖": r"\|", "√": r"\surd", "∀": r"\forall", "∃": r"\exists",
    "∝": r"\propto", "≡": r"\equiv", "∘": r"\circ", "⊂": r"\subset", "⊆": r"\subseteq",
    "∪": r"\cup", "∩": r"\cap", "∅": r"\emptyset", "ℝ": r"\mathbb{R}", "ℕ": r"\mathbb{N}",
    "ℤ": r"\mathbb{Z}", "÷": r"\div", "⟨": r"\langle", "⟩": r"\rangle", "ℓ": r"\ell",
    "≪": r"\ll", "≫": r"\gg", "∼": r"\sim", "∣": r"\mid", "⊤": r"\top", "∥": r"\|",
    "°": r"^{\circ}", "¬": r"\neg", "∧": r"\wedge", "∨": r"\vee",
}
_SCRIPTS = {**{ch: f"^{{{d}}}" for ch, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")},
            **{ch: f"_{{{d}}}" for ch, d in zip("₀₁₂₃₄₅₆₇₈₉₊₋", "0123456789+-")}}
_PUNCTUATION = {"–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''",
                "…": r"\ldots{}", "\u00a0": "~", "ß": r"\ss{}", "æ": r"\ae{}", "Æ": r"\AE{}",
                "ø": r"\o{}", "Ø": r"\O{}", "œ": r"\oe{}", "«": "<<", "»": ">>", "•": "*"}
_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0308": '"',
            "\u0327": "c", "\u030a": "r", "\u030c": "v", "\u0304": "=", "\u0306": "u"}


def math_command(ch: str) -> str | None:
    """The math-mode LaTeX of one Unicode character, if it has one.

    >>> math_command("σ"), math_command("≤"), math_command("Σ"), math_command("x")
    ('\\\\sigma', '\\\\le', '\\\\Sigma', None)
    """
    if ch in _GREEK_VARIANT:
        return _GREEK_VARIANT[ch]
    if ch in MATH_SIGNS:
        return MATH_SIGNS[ch]
    if ch in _SCRIPTS:
        return _SCRIPTS[ch]
    name = unicodedata.name(ch, "")
    found = re.fullmatch(r"GREEK (SMALL|CAPITAL) LETTER ([A-Z]+)", name)
    if not found:
        return None
    letter = found.group(2).capitalize()
    if found.group(1) == "SMALL":
        return "\\" + letter.lower().replace("lamda", "lambda")
    if letter in _UPPER_GREEK:
        return "\\" + letter
    # Capital Alpha, Beta, ... look like Latin letters; their NFKD is no help, so by name.
    return {"Alpha": "A", "Beta": "B", "Epsilon": "E", "Zeta": "Z", "Eta": "H", "Iota": "I",
            "Kappa": "K", "Mu": "M", "Nu": "N", "Omicron": "O", "Rho": "P", "Tau": "T",
            "Chi": "X", "Lamda": r"\Lambda"}.get(letter)


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _text_char(ch: str, lang: str) -> str:
    if ch.isascii():
        return _TEXT_ESCAPES.get(ch, ch)
    if ch in _PUNCTUATION:
        return _PUNCTUATION[ch]
    command = math_command(ch)
    if command is not None:
        return f"${command}$"
    if lang == "zh":
        return ch  # xelatex with ctex sets any character its fonts have
    base, *marks = unicodedata.normalize("NFD", ch)
    if base.isascii() and marks and all(m in _ACCENTS for m in marks):
        out = base if base not in "ij" else "\\" + base
        for m in marks:
            out = f"\\{_ACCENTS[m]}{{{out}}}"
        return out
    return rf"\texttt{{U+{ord(ch):04X}}}"


def escape_text(text: str, lang: str = "en") -> str:
    """Plain text made safe for LaTeX text mode.

    >>> escape_text("a_b & 50% σ")
    'a\\\\_b \\\\& 50\\\\% $\\\\sigma$'
    """
    return "".join(_text_char(ch, lang) for ch in text)


def math_text(tex: str) -> str:
    """Math someone typed: Unicode letters and signs made LaTeX, the rest kept."""
    out = []
    for ch in tex:
        command = None if ch.isascii() else math_command(ch)
        if command is None:
            out.append(ch if ch.isascii() or _is_cjk(ch) else rf"\text{{{escape_text(ch)}}}")
        else:
            # A space after a command word keeps it apart from a following letter.
            out.append(command + (" " if command[-1].isalpha() else ""))
    return "".join(out)


def pieces(text: str) -> list[tuple[bool, str]]:
    """``text`` as (is_math, piece) pairs split at unescaped $; odd $ counts are all text.

    >>> pieces(r"so $a_1$ costs \\$5")
    [(False, 'so '), (True, 'a_1'), (False, ' costs $5')]
    """
    parts = re.split(r"(?<!\\)\$", text)
    if len(parts) % 2 == 0:
        return [(False, text.replace(r"\$", "$"))]
    return [(j % 2 == 1, p if j % 2 else p.replace(r"\$", "$"))
            for j, p in enumerate(parts) if p]


def with_math(text: str, lang: str = "en", fill: str | None = None) -> str:
    """Text-mode LaTeX of ``text``: $...$ typeset, the rest escaped; each "{}" outside math
    becomes ``$fill$`` when ``fill`` is given."""
    out = []
    for is_math, piece in pieces(text):
        if is_math:
            out.append(f"${math_text(piece)}$")
        elif fill is None:
            out.append(escape_text(piece, lang))
        else:
            out.append(f"${fill}$".join(escape_text(p, lang) for p in piece.split("{}")))
    return "".join(out)
