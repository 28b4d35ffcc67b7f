"""One display analysed: tokens, matched groups and rows, masked text, raw chains."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..read import separators
from .blanking import _blank
from .model import limit
from .relations import _relations
from .sides import _build_chains

_MAX_DISPLAY_WARNINGS = 10
# Environments whose rows and `&` columns belong to the display itself; every other
# environment inside a display (cases, matrix, array ...) is one opaque piece of a side.
_TRANSPARENT = frozenset(
    name + star for star in ("", "*") for name in
    ("aligned", "alignedat", "split", "gathered", "align", "alignat", "gather", "multline",
     "flalign", "eqnarray", "equation", "dmath", "subequations"))
_DROP_WITH_ARGUMENT = frozenset({r"\tag", r"\label", r"\intertext", r"\shortintertext"})
_DROP = frozenset({r"\nonumber", r"\notag", r"\qedhere", r"\qed"})  # decoration
_ROW_WORDS = frozenset({r"\cr", r"\newline"})
_INDENT = frozenset({r"\quad", r"\qquad", r"\hspace", r"\,", r"\;", r"\:", r"\!", "\\ "})

_TOKEN = re.compile(r"""
    (?P<begin>\\begin\s*\{\s*(?P<bname>[a-zA-Z]+\*?)\s*\})
  | (?P<end>\\end\s*\{\s*(?P<ename>[a-zA-Z]+\*?)\s*\})
  | (?P<row>\\\\\*?)
  | (?P<word>\\[a-zA-Z]+)
  | (?P<sym>\\.)
  | (?P<space>\s+)
  | (?P<comment>%[^\n]*)
  | (?P<plain>[^\\{}&%\s=<>()\[\]:,;]+)
  | (?P<char>.)
""", re.X | re.S)
_BIG = re.compile(r"\\[bB]igg?[lrm]?")
_PAIRED_COLUMNS = frozenset({"align", "aligned", "alignat", "alignedat", "flalign"})
_TEXTY = re.compile(r"\\(?:text|mbox|textrm|textit|textbf|textsf|mathrm|hbox|tag|eqref|because"
                    r"|therefore)(?![a-zA-Z])|\(")
_WORDED_RELATION = re.compile(r"\\(?:text|mbox|textrm|textit)\s*\{")  # && \text{so } a = b


@dataclass
class _Analysis:
    warnings: list[tuple[int, str]]
    masked: str
    with_notes: str  # masked, with notes and conditions still in place
    # each chain: ([(start, end, optimiser)], [(relation, relation latex, note)])
    chains: list[tuple[list[tuple[int, int, tuple[str, str] | None]],
                       list[tuple[str, str, str | None, tuple[int, int] | None]]]]


def _analyse(latex: str, environment: str = "") -> _Analysis:
    max_chars = limit("MAX_SPLIT_CHARS")
    if len(latex) > max_chars:
        return _Analysis([(0, f"display too long to split into steps ({len(latex)} characters; "
                              f"the limit is {max_chars})")], latex, latex, [])
    kinds, starts, ends, names = [], [], [], {}
    for m in _TOKEN.finditer(latex):
        kind = m.lastgroup
        if kind == "begin":
            names[len(kinds)] = m.group("bname")
        elif kind == "end":
            names[len(kinds)] = m.group("ename")
        kinds.append(kind)
        starts.append(m.start())
        ends.append(m.end())
    n = len(kinds)
    tokens = _Tokens(latex, kinds, starts, ends, names)
    pairs, neutral, problems = _match_groups(tokens)
    closer = {o: c for o, c, _ in pairs}
    diff = [0] * (n + 1)
    for o, c, key in pairs:
        if key.startswith("env:") and key[4:] in _TRANSPARENT:
            continue
        diff[o] += 1
        diff[c + 1] -= 1
    depth, acc = [0] * n, 0
    for i in range(n):
        acc += diff[i]
        depth[i] = acc
    rows, mask, notes = _rows(tokens, depth, closer, neutral, environment)
    with_notes = _blank(latex, mask)
    masked = _blank(with_notes, notes)
    return _Analysis(problems, masked, with_notes, _build_chains(masked, with_notes, rows))


class _Tokens:
    __slots__ = ("latex", "kinds", "starts", "ends", "names", "n")

    def __init__(self, latex, kinds, starts, ends, names):
        self.latex, self.kinds, self.starts, self.ends = latex, kinds, starts, ends
        self.names, self.n = names, len(kinds)

    def text(self, i: int) -> str:
        return self.latex[self.starts[i]:self.ends[i]]

    def is_char(self, i: int, chars: str) -> bool:
        return 0 <= i < self.n and self.kinds[i] == "char" and self.latex[self.starts[i]] in chars

    def next(self, i: int) -> int:
        """The index of the next token after i that is not a space or comment (n if none)."""
        i += 1
        while i < self.n and self.kinds[i] in ("space", "comment"):
            i += 1
        return i


def _match_groups(t: _Tokens):
    """Matched {...}, \\left...\\right and \\begin...\\end pairs; warnings for the rest."""
    stack: list[tuple[str, int]] = []
    counts: dict[str, int] = {}
    pairs: list[tuple[int, int, str]] = []
    neutral = bytearray(t.n)
    problems: list[tuple[int, str]] = []

    def problem(i: int, message: str) -> None:
        if len(problems) < _MAX_DISPLAY_WARNINGS:
            problems.append((t.starts[i], message))

    def describe(key: str) -> str:
        if key == "{":
            return "unbalanced braces: '{' is never closed"
        if key == "left":
            return "'\\left' without a matching '\\right'"
        return f"'\\begin{{{key[4:]}}}' without a matching '\\end{{{key[4:]}}}'"

    def push(key: str, i: int) -> None:
        stack.append((key, i))
        counts[key] = counts.get(key, 0) + 1

    def close(key: str, i: int, unmatched: str) -> None:
        if not counts.get(key):
            problem(i, unmatched)
            return
        while stack:
            k, o = stack.pop()
            counts[k] -= 1
            if k == key:
                pairs.append((o, i, key))
                return
            problem(o, describe(k))

    for i in range(t.n):
        kind = t.kinds[i]
        if kind == "char":
            c = t.latex[t.starts[i]]
            if c == "{":
                push("{", i)
            elif c == "}":
                close("{", i, "unbalanced braces: '}' without a matching '{'")
        elif kind == "word":
            w = t.text(i)
            if w in (r"\left", r"\right", r"\middle") or _BIG.fullmatch(w):
                j = t.next(i)
                if j < t.n and not t.is_char(j, "{}"):
                    if w in (r"\left", r"\right", r"\middle") or t.is_char(j, "<>"):
                        neutral[j] = 1
                if w == r"\left":
                    push("left", i)
                elif w == r"\right":
                    close("left", i, "'\\right' without a matching '\\left'")
        elif kind == "begin":
            push("env:" + t.names[i], i)
        elif kind == "end":
            name = t.names[i]
            close("env:" + name, i, f"'\\end{{{name}}}' without a matching '\\begin{{{name}}}'")
    for key, o in stack:
        problem(o, describe(key))
    return pairs, neutral, problems


def _rows(t: _Tokens, depth: list[int], closer: dict[int, int], neutral: bytearray,
          env: str = ""):
    """Split the top level into rows; mask row breaks, `&`, tags, labels and comments.
    `env` is the display's environment (align, equation ...), if it is one."""
    mask: list[tuple[int, int]] = []
    rows = []
    row_start, row_toks, amps = 0, [], []
    envs = [env]
    paired = False  # whether this row's `&` are in an align-like environment (rl rl ...)
    i = 0
    while i < t.n:
        kind = t.kinds[i]
        if kind == "comment":
            mask.append((t.starts[i], t.ends[i]))
            i += 1
            continue
        if depth[i] > 0 or kind == "space":
            i += 1
            continue
        word = t.text(i) if kind == "word" else ""
        if kind == "row" or word in _ROW_WORDS:
            end, nxt = t.ends[i], i + 1
            if t.is_char(i + 1, "[") and t.starts[i + 1] == t.ends[i]:
                for j in range(i + 2, min(t.n, i + 40)):
                    if t.is_char(j, "]"):
                        end, nxt = t.ends[j], j + 1
                        break
            mask.append((t.starts[i], end))
            rows.append((row_start, t.starts[i], row_toks, amps, paired))
            row_start, row_toks, amps = end, [], []
            i = nxt
            continue
        if kind in ("begin", "end") and t.names[i] in _TRANSPARENT:
            end, nxt = t.ends[i], i + 1
            if kind == "begin":
                j = t.next(i)
                if t.is_char(j, "["):
                    for k in range(j + 1, min(t.n, j + 20)):
                        if t.is_char(k, "]"):
                            end, nxt = t.ends[k], k + 1
                            break
                elif t.names[i].startswith("align") and t.names[i].rstrip("*").endswith("at") \
                        and t.is_char(j, "{") and j in closer:
                    end, nxt = t.ends[closer[j]], closer[j] + 1
                envs.append(t.names[i])
            elif len(envs) > 1:
                envs.pop()
            mask.append((t.starts[i], end))
            i = nxt
            continue
        if word in _DROP_WITH_ARGUMENT:
            j = t.next(i)
            if j < t.n and t.kinds[j] == "plain" and t.text(j) == "*":
                j = t.next(j)
            if t.is_char(j, "{") and j in closer:
                mask.append((t.starts[i], t.ends[closer[j]]))
                i = closer[j] + 1
            else:
                mask.append((t.starts[i], t.ends[i]))
                i += 1
            continue
        if word in _DROP:
            mask.append((t.starts[i], t.ends[i]))
            i += 1
            continue
        if t.is_char(i, "&"):
            paired = envs[-1].rstrip("*") in _PAIRED_COLUMNS
            amps.append(t.starts[i])
            mask.append((t.starts[i], t.ends[i]))
            i += 1
            continue
        row_toks.append(i)
        i += 1
    rows.append((row_start, len(t.latex), row_toks, amps, paired))
    out, notes = [], []
    for row_start, row_end, toks, amps, paired in rows:
        lead = 0  # indentation at the start of a row is layout: blank it
        while lead < len(toks) and (t.text(toks[lead]) in _INDENT or t.text(toks[lead]) == "~"):
            i = toks[lead]
            end = t.ends[i]
            if t.text(i) == r"\hspace":
                j = t.next(i)
                if t.is_char(j, "{") and j in closer:
                    end = t.ends[closer[j]]
            mask.append((t.starts[i], end))
            lead += 1
        toks = toks[lead:]
        rels = _relations(t, toks, neutral, closer)
        note = None
        if len(amps) >= 2:
            a1, a2 = amps[0], amps[1]
            mid = [r for r in rels if a1 < r[0] < a2]
            rel_only = (len(mid) == 1 and not t.latex[a1 + 1:mid[0][0]].strip()
                        and not t.latex[mid[0][1]:a2].strip())
            tail = t.latex[a2:row_end].replace("&", " ").strip()
            worded = _WORDED_RELATION.match(tail) and any(r[0] > a2 for r in rels)
            if not rel_only and not worded and (not any(r[0] > a2 for r in rels)
                                                or _TEXTY.match(tail)):
                notes.append((a2, row_end))
                rels = [r for r in rels if r[0] < a2]
                note = (a2, row_end)
                row_end = a2
        # a &= b & c &= d: the `&` between column pairs, unless the pair after it has no
        # left side (a &= b & &= c goes on)
        columns = [a for a in (amps[1::2] if paired else [])
                   if t.latex[a + 1:next((r[0] for r in rels if r[0] > a), a + 1)]
                   .replace("&", " ").strip()]
        out.extend(separators.split_row(t, toks, row_start, row_end, rels, note, notes, closer,
                                           columns))
    return out, mask, notes
