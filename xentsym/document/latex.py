"""The LaTeX scanner: displays outside comments, verbatim and false conditionals."""
from __future__ import annotations

import re

from ..read import conditionals
from .blanking import _blank, _spaces
from .delimiters import _Scanner
from .model import Document

_VERBATIM = ("verbatim", "verbatim*", "Verbatim", "Verbatim*", "lstlisting", "minted",
             "comment", "alltt")
_TEX_SCAN = re.compile(r"(?P<bs>\\(?=[\[$]|begin\s*\{))|(?P<dd>\$\$)")
_TEX_LEX = re.compile(
    r"(?P<esc>(?:\\\\)++|\\%)"
    r"|(?P<pct>%[^\n]*)"
    r"|(?P<verb>\\verb\*?(?P<delim>[^a-zA-Z*\s])[^\n]*?(?:(?P=delim)|$))"
    r"|(?P<vbegin>\\begin\s*\{(?P<vname>" + "|".join(re.escape(v) for v in _VERBATIM) +
    r")\}(?:.*?\\end\s*\{(?P=vname)\}|(?P<unclosed>.*)))", re.S | re.M)



def _scan_latex(doc: Document) -> _Scanner:
    text = doc.text
    comments: list[tuple[int, int]] = []
    unclosed: list[tuple[int, str]] = []

    def blank(m: re.Match) -> str:
        kind = m.lastgroup
        if kind == "esc":
            return m.group()
        if kind == "pct":
            if "xentsym" in m.group().lower():
                body = m.start() + len(m.group()) - len(m.group().lstrip("%"))
                comments.append((body, m.end()))
            return " " * (m.end() - m.start())
        if kind == "vbegin" and m.group("unclosed") is not None:
            unclosed.append((m.start(), f"unclosed \\begin{{{m.group('vname')}}}: it runs to "
                                        f"the end of the file"))
        return _spaces(m.group())

    search = _TEX_LEX.sub(blank, text)
    dead, unclosed_if = conditionals.dead_ranges(search)
    if dead:
        search = _blank(search, dead)
        comments = [c for c in comments if not any(a <= c[0] < b for a, b in dead)]
    if unclosed_if is not None:
        opener = re.match(r"\\[a-zA-Z]+", text[unclosed_if:]).group()
        unclosed.append((unclosed_if, f"unclosed {opener} (a false conditional without \\fi): "
                                      "the rest of the file is skipped"))
    sc = _Scanner(doc, search)
    sc.comments = comments
    for offset, message in unclosed:
        sc.warn(offset, message)
    pos = 0
    while not sc.stopped:
        m = _TEX_SCAN.search(search, pos)
        if m is None:
            break
        if m.group("bs") is not None:
            pos = sc.backslash(m.start(), pos)
        else:
            pos = sc.dollars(m.start())
    return sc
