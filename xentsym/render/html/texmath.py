"""MathML of LaTeX an author typed ($math$ in a reason, a document's displays), as written.

The checks read a formula into SymPy; a page shows it as its author wrote it. This is a
typesetter, not a reader: tokens become ``mi``/``mn``/``mo``, ``^ _ '`` scripts, ``\\frac``,
``\\sqrt``, accents, fonts, ``\\left..\\right``, sums and environments (``aligned``,
``cases``, matrices, and the ``&``/``\\\\`` rows of an ``align``). A command it does not know
is shown as its own name, never dropped; nothing here is evaluated.
"""
from __future__ import annotations

import re
import unicodedata
from html import escape

from ..textex import MATH_SIGNS

_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|[0-9]+(?:\.[0-9]+)?|%[^\n]*|\s+|.", re.S)
MAX_DEPTH = 40  # deeper groups are shown as their source (TeX itself has such a limit)

# Commands written as an operator (mo) or an identifier (mi), from textex's table read back.
_SIGNS = {cmd: ch for ch, cmd in MATH_SIGNS.items() if cmd.startswith("\\") and ch != "‖"}
_SIGNS.update({r"\leq": "≤", r"\geq": "≥", r"\ne": "≠", r"\neq": "≠", r"\|": "‖",
               r"\parallel": "‖", r"\lvert": "|", r"\rvert": "|", r"\vert": "|",
               r"\lVert": "‖", r"\rVert": "‖", r"\{": "{", r"\}": "}", r"\lbrace": "{",
               r"\rbrace": "}", r"\colon": ":", r"\ldots": "…", r"\cdots": "⋯",
               r"\dots": "…", r"\vdots": "⋮", r"\gets": "←", r"\iff": "⟺",
               r"\implies": "⟹", r"\coloneqq": "≔", r"\triangleq": "≜", r"\star": "⋆"})
_IDENTIFIERS = {r"\infty", r"\partial", r"\nabla", r"\ell", r"\emptyset"}
_BIG = {r"\sum": "∑", r"\prod": "∏", r"\int": "∫", r"\bigcup": "⋃", r"\bigcap": "⋂"}
_WORDS = {"log", "ln", "exp", "sin", "cos", "tan", "max", "min", "arg", "det", "lim", "sup",
          "inf", "Pr", "tanh", "sgn", "dim", "ker"}
_SPACES = {r"\,": "0.1667em", r"\:": "0.2222em", r"\;": "0.2778em", r"\ ": "0.25em",
           r"\quad": "1em", r"\qquad": "2em", "~": "0.25em"}
_ACCENTS = {r"\hat": "ˆ", r"\widehat": "ˆ", r"\bar": "¯", r"\overline": "¯", r"\tilde": "~",
            r"\widetilde": "~", r"\vec": "→", r"\dot": "˙", r"\ddot": "¨"}
_DROP = {r"\displaystyle", r"\textstyle", r"\limits", r"\nolimits", r"\nonumber", r"\notag",
         r"\!", r"\big", r"\Big", r"\bigg", r"\Bigg", r"\bigl",
         r"\bigr", r"\Bigl", r"\Bigr", r"\biggl", r"\biggr", r"\middle"}
_SKIP_ARG = {r"\label", r"\tag", r"\tag*", r"\color", r"\hspace", r"\vspace"}
_OPEN, _CLOSE = "([", ")]"
_LIMITS = {"max", "min", "lim", "sup", "inf"}
_DOUBLE = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "H": "ℍ"}


def _greek(name: str) -> str | None:
    """``\\sigma`` -> σ, ``\\Sigma`` -> Σ, ``\\varepsilon`` -> ε (None for other words)."""
    variants = {"varepsilon": "ε", "epsilon": "ϵ", "vartheta": "ϑ", "varphi": "φ",
                "phi": "ϕ", "varsigma": "ς", "varrho": "ϱ", "varpi": "ϖ"}
    if name in variants:
        return variants[name]
    case = "CAPITAL" if name[:1].isupper() else "SMALL"
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {name.upper().replace('LAMBDA', 'LAMDA')}")
    except KeyError:
        return None


def _styled(text: str, font: str) -> str:
    """Letters in a font Chromium's MathML shows through Unicode (bold, blackboard)."""
    if font == "bb":
        return "".join(_DOUBLE.get(c) or (chr(0x1D538 + ord(c) - 65) if "A" <= c <= "Z"
                                          else c) for c in text)
    if font == "bf":
        return "".join(chr(0x1D400 + ord(c) - 65) if "A" <= c <= "Z" else
                       chr(0x1D41A + ord(c) - 97) if "a" <= c <= "z" else c for c in text)
    return text


class _Typesetter:
    """One pass over the tokens of a formula; ``display`` puts limits under big operators."""

    def __init__(self, tex: str, display: bool):
        # Spaces are kept for \\text{...}; math skips them.
        self.toks = [t for t in _TOKEN.findall(tex) if t[0] != "%"]
        self.pos = 0
        self.display = display
        self.depth = 0

    def peek(self, raw: bool = False) -> str | None:
        while not raw and self.pos < len(self.toks) and self.toks[self.pos].isspace():
            self.pos += 1
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self, raw: bool = False) -> str | None:
        tok = self.peek(raw)
        self.pos += tok is not None
        return tok

    def group_text(self) -> str:
        """The text of the next {group} or token (for \\text, \\operatorname): spacing
        commands as spaces, Greek as letters, \\% as %, other commands and braces dropped."""
        if self.peek() != "{":
            return _plain(self.take() or "")
        self.take()
        out, level = [], 1
        while (tok := self.take(raw=True)) is not None:
            level += (tok == "{") - (tok == "}")
            if level == 0:
                break
            if tok not in "{}":
                out.append(_plain(tok))
        return re.sub(r"\s+", " ", "".join(out))

    def argument(self) -> str:
        """One TeX argument: a {group} or a single token."""
        if self.peek() == "{":
            self.take()
            return _row(self.sequence({"}"}))
        return self.atom() or "<mrow/>"

    def sequence(self, stops: set) -> list[str]:
        out: list[str] = []
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RecursionError("nested too deep")
        while (tok := self.peek()) is not None and tok not in stops:
            if tok in ("^", "_", "'"):
                self.scripts(out)
                continue
            el = self.atom()
            if el:
                out.append(el)
        self.depth -= 1
        if self.peek() == "}" and "}" in stops:
            self.take()
        return out

    def scripts(self, out: list) -> None:
        base = out.pop() if out else "<mrow/>"
        sub = sup = None
        primes = ""
        while self.peek() in ("^", "_", "'"):
            tok = self.take()
            if tok == "'":
                primes += "′"
            elif tok == "^":
                sup = self.argument()
            else:
                sub = self.argument()
        if primes:
            sup = f"<mo>{primes}</mo>" if sup is None else _row([f"<mo>{primes}</mo>", sup])
        big = base.startswith(("<mo largeop", "<mo movablelimits"))
        under, both, over = ("munder", "munderover", "mover") if big and self.display else \
            ("msub", "msubsup", "msup")
        if sub is not None and sup is not None:
            out.append(f"<{both}>{base}{sub}{sup}</{both}>")
        elif sub is not None:
            out.append(f"<{under}>{base}{sub}</{under}>")
        else:
            out.append(f"<{over}>{base}{sup}</{over}>")

    def atom(self) -> str:
        tok = self.take()
        if tok is None:
            return ""
        if tok == "{":
            return _row(self.sequence({"}"}))
        if tok[0].isdigit():
            return f"<mn>{tok}</mn>"
        if tok.isalpha():
            return f"<mi>{escape(tok)}</mi>"
        if tok in _SPACES:
            return f'<mspace width="{_SPACES[tok]}"/>'
        if tok in _OPEN or tok in _CLOSE:
            return _fence(tok, stretchy=False)
        if tok == "|":
            return '<mo stretchy="false">|</mo>'
        if not tok.startswith("\\"):
            return f"<mo>{escape({'-': '−', '*': '∗'}.get(tok, tok))}</mo>"
        return self.command(tok)

    def command(self, tok: str) -> str:
        name = tok[1:]
        if tok in _DROP:
            return ""
        if tok in _SKIP_ARG:
            self.group_text()
            return ""
        if tok in (r"\frac", r"\dfrac", r"\tfrac", r"\binom"):
            top, bottom = self.argument(), self.argument()
            if tok == r"\binom":
                return (f'<mrow><mo>(</mo><mfrac linethickness="0">{top}{bottom}</mfrac>'
                        "<mo>)</mo></mrow>")
            return fraction(top, bottom)
        if tok == r"\sqrt":
            if self.peek() == "[":
                self.take()
                index = _row(self.sequence({"]"}))
                self.take()
                return f"<mroot>{self.argument()}{index}</mroot>"
            return f"<msqrt>{self.argument()}</msqrt>"
        if tok in _ACCENTS:
            return (f'<mover accent="true">{self.argument()}'
                    f"<mo>{escape(_ACCENTS[tok])}</mo></mover>")
        if tok in (r"\underset", r"\overset", r"\stackrel"):
            script, base = self.argument(), self.argument()
            tag = "munder" if tok == r"\underset" else "mover"
            return f"<{tag}>{base}{script}</{tag}>"
        if tok in (r"\text", r"\textrm", r"\mbox", r"\textit", r"\textbf"):
            # Spaces at the ends of \text{if } are what separates it from the math.
            return f"<mtext>{escape(self.group_text().replace(' ', chr(0xA0)))}</mtext>"
        if tok in (r"\operatorname*", r"\mathop"):
            return self.word(self.group_text().replace(" ", ""), limits=True)
        if tok in (r"\mathrm", r"\operatorname", r"\mathit"):
            word = self.group_text()
            return f'<mi mathvariant="normal">{escape(word)}</mi>' if word.isalpha() else \
                f"<mi>{escape(word)}</mi>"
        if tok in (r"\mathbf", r"\boldsymbol", r"\bm", r"\mathbb"):
            font = "bb" if tok == r"\mathbb" else "bf"
            return f"<mi>{escape(_styled(self.group_text(), font))}</mi>"
        if tok in (r"\mathcal", r"\mathscr", r"\mathsf", r"\mathtt"):
            return f"<mi>{escape(self.group_text())}</mi>"
        if tok == r"\left":
            # Its own row, so the brackets grow to what they enclose, not to the line.
            opening = self.delimiter("prefix")
            inside = self.sequence({r"\right"})
            closing = self.delimiter("postfix") if self.take() == r"\right" else ""
            return _row([opening, *inside, closing])
        if tok == r"\right":  # one without its \left
            return self.delimiter("postfix")
        if tok == r"\begin":
            return self.environment(self.group_text())
        if tok in _BIG:
            mov = ' movablelimits="true"' if self.display else ""
            return f'<mo largeop="true"{mov}>{_BIG[tok]}</mo>'
        if name in _WORDS or (name.startswith("arg") and name[3:] in ("max", "min")):
            return self.word(name)
        letter = _greek(name)
        if letter is not None:
            upright = ' mathvariant="normal"' if name[0].isupper() else ""
            return f"<mi{upright}>{letter}</mi>"
        if tok in _IDENTIFIERS:
            return f"<mi>{_SIGNS.get(tok, tok)}</mi>"
        if tok in _SIGNS:
            # Bars and norms written without \left/\right keep their size, as in TeX.
            keep = ' stretchy="false"' if _SIGNS[tok] in "|‖{}" else ""
            return f"<mo{keep}>{escape(_SIGNS[tok])}</mo>"
        return f"<mtext>{escape(tok)}</mtext>"  # unknown: shown, not dropped

    def delimiter(self, form: str) -> str:
        """The bracket after \\left or \\right (nothing for the invisible ``.``)."""
        fence = self.take() or "."
        return "" if fence == "." else _fence(_SIGNS.get(fence, fence), True, form)

    def word(self, name: str, limits: bool = False) -> str:
        """``\\log``, ``\\max``: an upright word with a thin space before what it applies
        to (none before a bracket or a script); max, min, lim, sup, inf and arg max/min
        take their subscript under them in display style."""
        limits = limits or name in _LIMITS or name[3:] in ("max", "min")
        tag = f'<mo movablelimits="true" form="prefix">{escape(name)}</mo>' if limits \
            else f"<mi>{escape(name)}</mi>"
        nxt = self.peek()
        if nxt is None or nxt in _OPEN or nxt in ("^", "_", r"\left", "}", "&", r"\\"):
            return tag
        return tag + '<mspace width="0.1667em"/>'

    def environment(self, env: str) -> str:
        """``aligned``, ``cases``, matrices: rows at \\\\, cells at &."""
        if env in ("array", "tabular"):
            self.group_text()  # the column spec
        bare = env.rstrip("*")
        body = self.table(stop_env=True, left=bare in ("cases", "array"))
        fences = {"cases": ("{", ""), "pmatrix": ("(", ")"), "bmatrix": ("[", "]"),
                  "vmatrix": ("|", "|"), "Bmatrix": ("{", "}")}.get(bare)
        if fences is None:
            return body
        left, right = (f"<mo>{escape(f)}</mo>" if f else "" for f in fences)
        return f"<mrow>{left}{body}{right}</mrow>"

    def table(self, stop_env: bool = False, left: bool = False) -> str:
        rows, cells, cell = [], [], []
        while (tok := self.peek()) is not None:
            if tok == r"\end" and stop_env:
                self.take()
                self.group_text()
                break
            if tok in ("&", r"\\"):
                self.take()
                cells.append(_row(cell))
                cell = []
                if tok == r"\\":
                    rows.append(cells)
                    cells = []
                continue
            cell += self.sequence({"&", r"\\", r"\end"})
        if cell or cells:
            rows.append(cells + [_row(cell)])
        rows = [r for r in rows if any(c != "<mrow></mrow>" for c in r)]
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        # align's pairs: right-aligned left sides, left-aligned right sides.
        width = max(len(r) for r in rows) if rows else 1
        align = ["right" if j % 2 == 0 and not left else "left" for j in range(width)]
        # MathML Core ignores columnalign; the page's CSS reads it from each cell.
        body = "".join("<mtr>" + "".join(f'<mtd columnalign="{a}">{c}</mtd>'
                                          for a, c in zip(align, r)) + "</mtr>" for r in rows)
        return f'<mtable columnalign="{" ".join(align)}" displaystyle="true">{body}</mtable>'


def _plain(tok: str) -> str:
    """One token inside \\text{...} or \\operatorname{...} as plain text."""
    if tok in _SPACES or tok.isspace():
        return " "
    if not tok.startswith("\\"):
        return tok
    if len(tok) == 2:
        return tok[1]
    return _greek(tok[1:]) or ""


def _fence(ch: str, stretchy: bool, form: str | None = None) -> str:
    """A bracket as an operator of the right form (an infix bracket gets wide spaces), not
    stretched unless it came from \\left or \\right."""
    form = form or ("prefix" if ch in _OPEN else "postfix")
    grow = "" if stretchy else ' stretchy="false"'
    return f'<mo form="{form}"{grow}>{escape(ch)}</mo>'


def _row(items: list) -> str:
    return f"<mrow>{''.join(items)}</mrow>"


def fraction(top: str, bottom: str) -> str:
    """An mfrac whose parts holding a sum with limits are in display style, so the limits
    stay under and over the sign (a fraction's parts are set in a smaller style)."""
    parts = [f'<mstyle displaystyle="true">{p}</mstyle>' if "<munder" in p else p
             for p in (top, bottom)]
    return f"<mfrac>{parts[0]}{parts[1]}</mfrac>"


def tex_mathml(tex: str, display: bool = False) -> str:
    """The body of a <math> element for ``tex`` as typed (``display`` for a displayed
    formula: limits under sums, rows of an align as a table).

    >>> tex_mathml(r"\\sigma'_i = 1")
    '<mrow><msubsup><mi>σ</mi><mi>i</mi><mo>′</mo></msubsup><mo>=</mo><mn>1</mn></mrow>'
    """
    try:
        return _Typesetter(tex, display).table()
    except (RecursionError, IndexError, TypeError, ValueError):
        # Beyond what the typesetter follows: the source itself, never a wrong formula.
        return f"<mtext>{escape(tex)}</mtext>"


__all__ = ["MAX_DEPTH", "fraction", "tex_mathml"]
