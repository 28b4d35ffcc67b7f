"""Tokens and tree: the tokenizer (every token keeps its offset), the bracket and environment
pairing, and the limits on the source they enforce."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .tables import RAW_ARG_MACROS, SIZING

MAX_LENGTH = 5000  # characters in one formula
MAX_DEPTH = 50  # nesting of brackets and environments
MAX_NUMERAL_DIGITS = 50  # digits of one numeral in the source


class Fail(Exception):
    """An error at an offset of the source; turned into a located ParseError."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass
class Tok:
    kind: str  # letter | number | macro | char
    text: str
    start: int
    end: int
    arg: str | None = None  # the raw braced argument of \text{..}, \begin{..}, ...


@dataclass
class Group:
    kind: str  # brace | paren | bracket
    children: list
    start: int
    end: int


@dataclass
class Env:
    name: str
    children: list
    start: int
    end: int


_CHARS = set("+-*/=<>()[]{}^_!|,;&.'")
_DIGIT_RUN = re.compile(r"[0-9]+(?:[ \t\r\n]+[0-9]+)*(?:\.[0-9]+)?")


def _numeral(src: str, pos: int) -> tuple[int, str]:
    """A numeral as TeX prints it: digits separated by spaces are one number (``1 0`` is 10);
    where a macro takes it as an undelimited argument, :func:`split_arguments` cuts it."""
    m = _DIGIT_RUN.match(src, pos)
    return m.end(), re.sub(r"[ \t\r\n]", "", m.group())


def tokenize(src: str) -> list[Tok]:
    toks: list[Tok] = []
    pos, n = 0, len(src)
    while pos < n:
        c = src[pos]
        if c in " \t\r\n~":
            pos += 1
            continue
        if c == "\\":
            if pos + 1 >= n:
                raise Fail("a lone backslash ends the formula", pos)
            d = src[pos + 1]
            if d.isascii() and d.isalpha():
                end = pos + 1
                while end < n and src[end].isascii() and src[end].isalpha():
                    end += 1
                name = src[pos:end]
                tok = Tok("macro", name, pos, end)
                if name in RAW_ARG_MACROS:
                    end = _raw_argument(src, end, tok)
                toks.append(tok)
                pos = end
                continue
            if d.isascii() and (d.isprintable() or d == " "):
                toks.append(Tok("macro", "\\" + d, pos, pos + 2))
                pos += 2
                continue
            raise Fail(f"unexpected character {d!r} after a backslash", pos + 1)
        if c.isascii() and c.isdigit():
            end, text = _numeral(src, pos)
            if len(text) > MAX_NUMERAL_DIGITS:
                raise Fail(f"numeral longer than {MAX_NUMERAL_DIGITS} digits", pos)
            toks.append(Tok("number", text, pos, end))
            pos = end
            continue
        if c.isascii() and c.isalpha():
            toks.append(Tok("letter", c, pos, pos + 1))
            pos += 1
            continue
        if c in _CHARS:
            toks.append(Tok("char", c, pos, pos + 1))
            pos += 1
            continue
        if c == "$":
            raise Fail("math delimiters ($) must be removed before parsing", pos)
        if c == "%":
            raise Fail("LaTeX comments (%) are not supported", pos)
        if ord(c) < 32 or ord(c) == 127:
            raise Fail(f"control character {c!r} in the formula", pos)
        raise Fail(f"unexpected character {c!r} (only ASCII LaTeX is read outside \\text)",
                   pos)
    return toks


def _raw_argument(src: str, pos: int, tok: Tok) -> int:
    """Read the braced argument of \\text{..} and friends verbatim; return the end offset."""
    n = len(src)
    if pos < n and src[pos] == "*" and tok.text == r"\operatorname":
        tok.text += "*"
        pos += 1
    while pos < n and src[pos] in " \t\r\n":
        pos += 1
    if pos < n and src[pos] != "{" and tok.text not in (r"\begin", r"\end"):
        # TeX's rule: without braces the argument is one token (\boldsymbol\theta, \mathcal L)
        one = re.match(r"\\[A-Za-z]+|[A-Za-z0-9]", src[pos:])
        if one is not None:
            tok.arg = one.group(0)
            tok.end = pos + one.end()
            return tok.end
    if pos >= n or src[pos] != "{":
        raise Fail(f"{tok.text} needs a braced argument", tok.start)
    close, depth = pos + 1, 1
    while close < n:  # \mathbf{\hat{y}} holds braces of its own
        depth += {"{": 1, "}": -1}.get(src[close], 0)
        if depth == 0:
            break
        close += 2 if src[close] == "\\" else 1
    if close >= n:
        raise Fail(f"unclosed argument of {tok.text}", pos)
    content = src[pos + 1:close]
    if "{" in content and tok.text not in (r"\mathbf", r"\boldsymbol") and not (
            tok.text == r"\operatorname" and _BLACKBOARD.fullmatch(content.strip())):
        raise Fail(f"nested braces inside {tok.text}{{...}} are not supported", pos)
    for j, ch in enumerate(content):
        if ord(ch) < 32 and ch not in "\t\r\n" or ord(ch) == 127:
            raise Fail(f"control character {ch!r} in the formula", pos + 1 + j)
    tok.arg = content
    tok.end = close + 1
    return close + 1


_BLACKBOARD = re.compile(r"\\mathbb\{[A-Z]\}")  # \operatorname{\mathbb{E}}
_OPENERS = {"{": "brace", "(": "paren", "[": "bracket"}
_CLOSERS = {"}": "brace", ")": "paren", "]": "bracket"}
# \left| .. \right| and \left\| .. \right\|: an absolute value and a norm.
_BARS = {"|": "abs", r"\|": "norm", r"\Vert": "norm", r"\lVert": "norm", r"\rVert": "norm"}


def build_tree(toks: list[Tok]) -> list:
    """Pair brackets and environments; enforce the nesting limit."""
    root: list = []
    stack: list[tuple] = []  # (kind, opener_token, children, left?, env_name)
    cur = root
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.kind == "macro" and t.text in SIZING:
            k += 1
            continue
        opener = closer = None
        left = False
        if t.kind == "char" and t.text in _OPENERS:
            opener = _OPENERS[t.text]
        elif t.kind == "char" and t.text in _CLOSERS:
            closer = _CLOSERS[t.text]
        elif t.kind == "macro" and t.text in (r"\left", r"\right"):
            if k + 1 >= len(toks):
                raise Fail(f"{t.text} without a delimiter", t.start)
            d = toks[k + 1]
            if t.text == r"\left" and d.kind == "char" and d.text in "([":
                opener, left = _OPENERS[d.text], True
            elif t.text == r"\right" and d.kind == "char" and d.text in ")]":
                closer, left = _CLOSERS[d.text], True
            elif d.text in (r"\{", r"\}"):  # \left\{ .. \right\}: brackets (a set has commas)
                opener = "paren" if t.text == r"\left" and d.text == r"\{" else None
                closer = "paren" if t.text == r"\right" and d.text == r"\}" else None
                left = True
            elif d.text in _BARS:
                opener = _BARS[d.text] if t.text == r"\left" else None
                closer = _BARS[d.text] if t.text == r"\right" else None
                left = True
            else:
                raise Fail(f"{t.text}{d.text} is not supported (only ( ), [ ], | | and "
                           r"\| \|)", t.start)
            k += 1  # the delimiter
        elif t.kind == "macro" and t.text == r"\begin":
            stack.append(("env", t, cur, False, t.arg))
            if len(stack) > MAX_DEPTH:
                raise Fail(f"brackets nested more than {MAX_DEPTH} deep", t.start)
            cur = []
            k += 1
            continue
        elif t.kind == "macro" and t.text == r"\end":
            if not stack or stack[-1][0] != "env":
                raise Fail(f"\\end{{{t.arg}}} without a matching \\begin", t.start)
            _, opener_tok, parent, _, name = stack.pop()
            if name != t.arg:
                raise Fail(f"\\begin{{{name}}} is closed by \\end{{{t.arg}}}", t.start)
            parent.append(Env(name, cur, opener_tok.start, t.end))
            cur = parent
            k += 1
            continue
        elif t.kind == "macro" and t.text in (r"\lVert", r"\rVert"):
            opener = "norm" if t.text == r"\lVert" else None
            closer = "norm" if t.text == r"\rVert" else None
        if opener:
            stack.append((opener, t, cur, left, None))
            if len(stack) > MAX_DEPTH:
                raise Fail(f"brackets nested more than {MAX_DEPTH} deep", t.start)
            cur = []
        elif closer:
            if not stack:
                raise Fail(f"unbalanced '{toks[k].text}': nothing to close", t.start)
            kind, opener_tok, parent, was_left, name = stack[-1]
            if kind == "env":
                raise Fail(f"unbalanced '{toks[k].text}' inside \\begin{{{name}}}", t.start)
            if kind != closer or was_left != left:
                raise Fail(f"'{toks[k].text}' does not match the open bracket "
                           f"'{opener_tok.text}'", t.start)
            stack.pop()
            if was_left and len(cur) <= 1 and toks[k].text == r"\}":
                # \left\{ x \right\} is a set, not a bracket around one name
                raise Fail("sets are not values", opener_tok.start)
            parent.append(Group(kind, cur, opener_tok.start, toks[k].end))
            cur = parent
        else:
            cur.append(t)
        k += 1
    if stack:
        kind, opener_tok, _, _, name = stack[-1]
        what = f"\\begin{{{name}}}" if kind == "env" else f"'{opener_tok.text}'"
        raise Fail(f"unbalanced {what}: never closed", opener_tok.start)
    return _pair_norms(root)


_BAR_MACROS = (r"\|", r"\Vert")


def _pair_norms(nodes: list) -> list:
    r"""``\|a - b\|^2 = \|a\|^2 + ...``: bars that come in pairs at one level are norms, so
    the signs inside one do not split the terms around it. A lone bar stays a separator
    (``D(p \| q)``)."""
    for node in nodes:
        if isinstance(node, (Group, Env)):
            node.children = _pair_norms(node.children)
    bars = [k for k, n in enumerate(nodes)
            if isinstance(n, Tok) and n.kind == "macro" and n.text in _BAR_MACROS]
    if len(bars) < 2 or len(bars) % 2:
        return nodes
    out, last = [], 0
    for a, b in zip(bars[::2], bars[1::2]):
        out += nodes[last:a]
        out.append(Group("norm", nodes[a + 1:b], nodes[a].start, nodes[b].end))
        last = b + 1
    return out + nodes[last:]
