"""How wide a display-math LaTeX string is (an estimate in em), and where to break it.

The estimate reads the LaTeX the printer writes (not arbitrary TeX): glyphs, scripts,
fractions, big operators with limits, \\left/\\right pairs, \\text and cases. It errs wide,
so a line it says fits does fit; :func:`break_lines` splits at break marks the printer left
between the terms of sums, turning \\left/\\right pairs that a break crosses into fixed sizes.
"""
from __future__ import annotations

import re

MARK = "\x00"  # where a line may break: before a term of a sum (the printer writes it)
_TOKEN = re.compile(r"\\[A-Za-z]+\*?|\\.|\x00|[{}^_&]|\s+|.", re.S)

# Widths in em at text size, spacing included (binary operators and relations get
# their medium/thick spaces); an unknown command counts as one wide glyph.
_OPERATOR = {"\\log": 1.45, "\\exp": 1.6, "\\arg": 1.45, "\\min": 1.75, "\\max": 1.8,
             "\\sin": 1.35, "\\cos": 1.45, "\\lim": 1.3, "\\ln": 1.0}
_BIG = {"\\sum": 1.6, "\\prod": 1.5, "\\int": 1.0, "\\bigcup": 1.3}
_COMMAND = {"\\cdot": 0.75, "\\times": 1.25, "\\le": 1.35, "\\leq": 1.35, "\\ge": 1.35,
            "\\geq": 1.35, "\\neq": 1.35, "\\approx": 1.35, "\\to": 1.5, "\\in": 1.25,
            "\\quad": 1.0, "\\qquad": 2.0, "\\,": 0.17, "\\;": 0.28, "\\:": 0.22, "\\!": -0.17,
            "\\ ": 0.33, "\\|": 0.5, "\\partial": 0.6, "\\infty": 1.0, "\\ldots": 1.2,
            "\\cdots": 1.3, "\\{": 0.5, "\\}": 0.5, "\\prime": 0.3, "\\mid": 0.85,
            "\\nabla": 0.85, "\\propto": 1.35, "\\equiv": 1.35, "\\right.": 0.12,
            "\\left.": 0.12, "\\dots": 1.2}
_ZERO = {"\\displaystyle", "\\textstyle", "\\limits", "\\nolimits", "\\mathrm", "\\mathbf",
         "\\mathit", "\\boldsymbol", "\\hat", "\\bar", "\\tilde", "\\vec", "\\widehat",
         "\\overline", "\\mathcal", "\\mathbb", "\\operatorname", "\\left", "\\right",
         "\\bigl", "\\bigr", "\\Bigl", "\\Bigr", "\\biggl", "\\biggr", "\\Biggl", "\\Biggr",
         "\\big", "\\Big", "\\bigg", "\\Bigg", "\\small", "\\tag"}
_TEXT = {"\\text", "\\textrm", "\\textbf", "\\textit", "\\mbox"}
_DELIMS = {"(": 0.45, ")": 0.45, "[": 0.35, "]": 0.35, "|": 0.3, ".": 0.12, "\\{": 0.55,
           "\\}": 0.55, "\\|": 0.55}
_CHAR = {"+": 1.25, "-": 1.25, "=": 1.35, "<": 1.35, ">": 1.35, ",": 0.45, ";": 0.45,
         "(": 0.4, ")": 0.4, "[": 0.3, "]": 0.3, "|": 0.3, "/": 0.5, ".": 0.3, "'": 0.3,
         "!": 0.3, ":": 0.6, " ": 0.0}
SAFETY = 1.08


def tokens(tex: str) -> list[str]:
    """The LaTeX split into commands, single characters, braces and break marks."""
    return [" " if t.isspace() else t for t in _TOKEN.findall(tex)]


class _Reader:
    """A recursive walk over tokens that adds up widths; ``scale`` is the math style."""

    def __init__(self, toks: list[str]):
        self.toks, self.pos = toks, 0

    def peek(self):
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def group(self, scale: float) -> float:
        """One argument: a {group} or a single token."""
        tok = self.take()
        if tok == "{":
            return self.until("}", scale)
        return self.atom(tok, scale) if tok is not None else 0.0

    def raw_group(self) -> str:
        """The characters of one {group}, unread (for \\text and \\begin)."""
        if self.take() != "{":
            return ""
        depth, out = 1, []
        while self.peek() is not None:
            tok = self.take()
            depth += (tok == "{") - (tok == "}")
            if depth == 0:
                break
            out.append(tok)
        return "".join(out)

    def until(self, end, scale: float) -> float:
        width = 0.0
        while self.peek() is not None and self.peek() != end:
            width += self.atom(self.take(), scale)
        self.take()
        return width

    def scripts(self, base: float, scale: float, under: bool) -> float:
        """A base with its ^ and _ scripts (limits go under a big operator in display)."""
        small = max(scale * 0.7, 0.5)
        sup = sub = 0.0
        while self.peek() in ("^", "_"):
            which = self.take()
            w = self.group(small)
            sup, sub = (max(sup, w), sub) if which == "^" else (sup, max(sub, w))
        if under:
            return max(base, sup, sub) + 0.17 * scale
        return base + max(sup, sub)

    def atom(self, tok: str, scale: float) -> float:
        if tok in (MARK, "&", "}"):
            return 0.0
        if tok == "{":
            return self.scripts(self.until("}", scale), scale, False)
        if tok in ("\\left", "\\right") or re.fullmatch(r"\\[bB]igg?[lr]?", tok):
            delim = self.take()
            return _DELIMS.get(delim, 0.45) * scale * (1.3 if tok[1] in "Bb" else 1.0)
        if tok == "\\frac" or tok == "\\dfrac" or tok == "\\binom":
            inner = scale if scale >= 1 else max(scale * 0.7, 0.5)
            num, den = self.group(inner), self.group(inner)
            extra = 0.9 if tok == "\\binom" else 0.25
            return self.scripts(max(num, den) + extra * scale, scale, False)
        if tok in _TEXT:
            return scale * text_width(self.raw_group()) / SAFETY
        if tok == "\\begin":
            return self._environment(self.raw_group(), scale)
        if tok in _BIG:
            return self.scripts(_BIG[tok] * scale, scale, under=scale >= 1)
        if tok in _OPERATOR:
            under = tok in ("\\min", "\\max", "\\lim") and scale >= 1
            return self.scripts(_OPERATOR[tok] * scale, scale, under)
        if tok in _ZERO:
            return 0.0
        if tok in _COMMAND:
            base = _COMMAND[tok] * scale
        elif tok.startswith("\\"):
            base = 0.62 * scale  # a Greek letter or another one-glyph command
        elif tok.isdigit():
            base = 0.5 * scale
        elif tok in _CHAR:
            # Binary operators and relations lose their spaces in scripts.
            base = _CHAR[tok] * (scale if scale >= 1 or tok not in "+-=<>" else 0.55)
        else:
            base = (0.75 if tok.isupper() else 0.58 if tok.isascii() else 1.0) * scale
        return self.scripts(base, scale, False)

    def _environment(self, name: str, scale: float) -> float:
        """cases/aligned/matrix: the widest row, cells side by side with a gap."""
        depth, body = 1, []
        while self.peek() is not None:
            tok = self.take()
            if tok == "\\begin":
                depth += 1
            elif tok == "\\end":
                depth -= 1
                if depth == 0:
                    self.raw_group()
                    break
            body.append(tok)
        rows, cells, row = [], [], []
        for tok in body + ["\\\\"]:
            if tok in ("&", "\\\\"):
                cells.append(estimate("".join(row), scale))
                row = []
                if tok == "\\\\":
                    rows.append(sum(cells) + 1.0 * (len(cells) - 1))
                    cells = []
            else:
                row.append(tok)
        return max(rows, default=0.0) + (1.2 if name == "cases" else 1.0) * scale


def estimate(tex: str, scale: float = 1.0) -> float:
    """The width of display-math ``tex`` in em (at the surrounding font size), erring wide."""
    reader = _Reader(tokens(tex))
    width = 0.0
    while reader.peek() is not None:
        width += reader.atom(reader.take(), scale)
    return width * SAFETY


def text_width(text: str) -> float:
    """The width of running text in em: ASCII about half an em, CJK a full em."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text) * SAFETY


def _usable_marks(toks: list[str]) -> list[tuple[int, int]]:
    """(token index, \\left depth) of each mark outside braces and environments."""
    out, braces, envs, lefts = [], 0, 0, 0
    for j, tok in enumerate(toks):
        braces += (tok == "{") - (tok == "}")
        envs += (tok == "\\begin") - (tok == "\\end")
        lefts += (tok == "\\left") - (tok == "\\right")
        if tok == MARK and braces == 0 and envs == 0:
            out.append((j, lefts))
    return out


def _size(inner: list[str]) -> str:
    """A fixed delimiter size for contents that a line break splits."""
    tall = {"\\frac", "\\sum", "\\prod", "\\binom", "\\begin", "\\int"}
    return "\\Biggl" if tall & set(inner) else "\\bigl"


def _fix_delimiters(lines: list[list[str]]) -> list[str]:
    """\\left/\\right pairs that a break separates become \\Biggl/\\Biggr (or \\bigl)."""
    flat = [(n, tok) for n, line in enumerate(lines) for tok in line]
    toks = [tok for _, tok in flat]
    stack = []
    for j, (n, tok) in enumerate(flat):
        if tok == "\\left":
            stack.append(j)
        elif tok == "\\right" and stack:
            start = stack.pop()
            if flat[start][0] != n:
                size = _size(toks[start:j])
                toks[start], toks[j] = size, size[:-1] + "r"
    out, j = [], 0
    for line in lines:
        out.append("".join(toks[j:j + len(line)]).strip())
        j += len(line)
    return out


def break_lines(tex: str, first: float, rest: float) -> list[str]:
    """``tex`` (with break marks) as lines: the first at most ``first`` em wide, the others
    at most ``rest``. Breaks go at the shallowest marks that still fill a quarter line."""
    toks = tokens(tex)
    marks = _usable_marks(toks)
    cuts = [0] + [j for j, _ in marks] + [len(toks)]
    depth = [0] + [d for _, d in marks] + [0]
    widths = [estimate("".join(toks[a:b])) for a, b in zip(cuts, cuts[1:])]
    lines, start = [], 0
    while start < len(widths):
        budget = first if not lines else rest
        total, fits = 0.0, []
        for end in range(start + 1, len(widths) + 1):
            total += widths[end - 1]
            if total > budget and end > start + 1:
                break
            fits.append((end, total))
        end = fits[-1][0]
        if end < len(widths):
            full = [e for e, w in fits if w >= budget / 4] or [end]
            end = min(full, key=lambda e: (depth[e], -e))
        lines.append([t for t in toks[cuts[start]:cuts[end]] if t != MARK])
        start = end
    return _fix_delimiters(lines)
