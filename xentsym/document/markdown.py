"""The Markdown scanner: displays outside code fences, code spans and HTML comments."""
from __future__ import annotations

import bisect
import re

from .delimiters import _Finder, _Scanner
from .model import Document

_FENCE_CLOSE = re.compile(r"^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})[ \t]*$", re.M)
_TICKS = re.compile(r"`+")
_COMMENT_END = re.compile("-->")
_MD_SCAN = re.compile(r"""
    (?P<fence>^(?:[ \t]*>)*[ \t]*(?P<fc>`{3,}|~{3,})(?P<info>[^\n]*))
  | (?P<comment><!--)
  | (?P<ticks>`+)
  | (?P<bs>\\(?=[\[$]|begin\s*\{))
  | (?P<dd>\$\$)
""", re.X | re.M)


def _scan_markdown(doc: Document) -> _Scanner:
    text = doc.text
    sc = _Scanner(doc, text)
    comment_end = _Finder(text, _COMMENT_END)
    fences = [(m.start(), m.end(), m.group(1)[0], len(m.group(1)))
              for m in _FENCE_CLOSE.finditer(text)]
    fence_starts = [f[0] for f in fences]
    runs: dict[int, list[int]] = {}
    for m in _TICKS.finditer(text):
        runs.setdefault(m.end() - m.start(), []).append(m.start())

    def code_span(p: int, n: int) -> int:
        same = runs.get(n, ())
        j = bisect.bisect_right(same, p)
        if j < len(same) and same[j] < sc.paragraph_end(p):
            return same[j] + n
        return p + n

    pos = 0
    while not sc.stopped:
        m = _MD_SCAN.search(text, pos)
        if m is None:
            break
        p = m.start()
        if m.group("fence") is not None:
            fc, info = m.group("fc"), m.group("info")
            if fc[0] == "`" and "`" in info:
                pos = code_span(m.start("fc"), len(fc))
                sc.code.append((m.start("fc"), pos))
                continue
            body = min(m.end() + 1, len(text))
            j = bisect.bisect_left(fence_starts, body)
            while j < len(fences) and not (fences[j][2] == fc[0] and fences[j][3] >= len(fc)):
                j += 1
            words = info.split()
            lang = words[0].lower().strip("{}.") if words else ""
            if j < len(fences):
                close_start, close_end = fences[j][0], fences[j][1]
            else:
                close_start = close_end = len(text)
                what = "```math block" if lang == "math" else "code fence"
                sc.warn(m.start("fc"), f"unclosed {what}: it runs to the end of the file")
            if lang == "math":
                sc.add("math-fence", body, max(close_start, body))
            else:
                sc.code.append((m.start(), max(close_end, m.end())))
            pos = max(close_end, m.end())
        elif m.group("comment") is not None:
            end = comment_end.find(m.end(), len(text))
            if end is not None:
                sc.comments.append((m.end(), end.start()))
                sc.code.append((p, end.end()))
                pos = end.end()
            else:
                sc.warn(p, "unclosed HTML comment <!--", failure=False)
                pos = m.end()
        elif m.group("ticks") is not None:
            pos = code_span(p, m.end() - p)
            sc.code.append((p, pos))
        elif m.group("bs") is not None:
            pos = sc.backslash(p, pos)
        else:
            pos = sc.dollars(p)
    return sc
