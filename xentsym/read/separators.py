r"""Where one row of a display holds more than one equation, or a condition.

TeX prints ``a = b \qquad c = d`` as two equations side by side, and ``f(x) = 1 - x
\quad \text{if } x = 1`` as one equation with its condition. A *break* is a run of
top-level spacing (``\quad``, ``\qquad``, ``\hspace{..}``), words (``\text{..}``,
``\mbox{..}``), commas, semicolons and ``\because``/``\therefore``/``\forall`` between two
parts of a row:

* one or two words that open a condition (``if``, ``for``, ``when``, ``given that``,
  ``s.t.`` ...), or a bare comma, followed by a relation: the relation is the CONDITION of
  the steps before it in the row;
* any other break followed by a relation (``\qquad``, ``, \quad``, ``\text{and}``,
  ``\text{ so }``, ``\text{where}``): the rest is a NEW chain;
* in an align, the ``&`` between column pairs (``a &= b & c &= d``) starts a new chain;
* after a condition, ``\text{ and }`` / ``\text{ or }`` and a relation continue the
  condition (which the checker then has to read whole); a condition that ranges over an
  index (``\text{for } i = 1, \dots, N``) restricts nothing and stays a note;
* a break with words and no relation after it: a note that runs to the end of the row
  (``\quad \text{(log rule)}``); a break of spacing or a comma alone, with no relation
  after it, is not a break (``a = b \quad c`` keeps its side as written).

:func:`breaks` works on the token arrays of :mod:`xentsym.document` (``kinds``, ``starts``,
``ends``, ``text(i)``, ``next(i)``) and the map of matched braces.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

CONDITION_WORDS = frozenset({"if", "iff", "for", "when", "whenever", "given", "provided",
                             "assuming", "with", "at", "on", "unless", "since", "because"})
SPACING = frozenset({r"\quad", r"\qquad", r"\hspace", r"\hskip", r"\enspace", r"\hfill"})
SMALL_SPACING = frozenset({r"\,", r"\;", r"\:", r"\!", "\\ ", "~", r"\>"})
WORDS = frozenset({r"\text", r"\mbox", r"\textrm", r"\textit", r"\textbf", r"\textsf",
                   r"\hbox", r"\textnormal"})
LOGIC_WORDS = {r"\because": "because", r"\therefore": "therefore", r"\forall": "for all"}
# Single words that are prose even without spaces around them (\text{and}); any other bare
# word in \text{..} (\text{KL}, \text{loss}) is a name in the formula.
CONNECTIVES = frozenset({"and", "or", "so", "hence", "thus", "therefore", "then", "where",
                         "by", "gives", "giving", "yields", "implies",
                         "ie", "eg", "also", "using", "as", "but", "otherwise", "else",
                         "equivalently", "similarly", "likewise", "respectively", "whence",
                         "consequently", "moreover", "finally", "now", "clearly", "recall"})
CONDITION_OPENERS = ("s.t.", "st.", "such that", "subject to")
_RANGE = re.compile(r"\\[lc]?dots(?![a-zA-Z])|\\dotsc|\.\.\.")
_NAME = r"(?:[A-Za-z]|\\[a-zA-Z]+)(?:_(?:\{[^{}]*\}|[A-Za-z0-9]))?"
_INDEX = re.compile(r"\s*" + _NAME + r"\s*")
_MEMBER = re.compile(r"\s*" + _NAME + r"(?:\s*,\s*" + _NAME + r")*\s*\\(?:in|notin)(?![a-zA-Z])")
_RELATION = re.compile(r"[=<>]|\\(?:le|ge|leq|geq|lt|gt|ne|neq|in|notin)(?![a-zA-Z])")
# `\quad i = j`, `\quad i \neq j.`: two indices compared, alone after a break, say for which
# indices the step holds (an identity between two free indices would mean nothing)
_INDEX_PAIR = re.compile(r"\s*[i-n]\s*(?:=|<|>|\\neq?|\\leq?|\\geq?)(?![a-zA-Z])\s*[i-n]\s*[.,;]?\s*")
_BRACKETS = {"(": 1, "[": 1, ")": -1, "]": -1, r"\{": 1, r"\}": -1, r"\langle": 1,
             r"\rangle": -1, r"\lvert": 1, r"\rvert": -1, r"\lVert": 1, r"\rVert": -1}


@dataclass(frozen=True)
class Break:
    start: int  # offset of the first character of the run
    end: int  # offset after its last character
    words: str  # the words of its \text{..} pieces, lower case ("" if none)
    spaced: bool  # holds \quad-like spacing
    comma: bool  # holds a comma (a semicolon counts as spacing: it separates equations)

    @property
    def condition(self) -> bool:
        """Whether the words open a condition (``\\text{if }``), or it is a bare comma."""
        words = re.findall(r"[a-z]+", self.words)
        if words:  # "if", "for", "given that", "s.t."; not "with equality iff" (a new claim)
            return (words[0] in CONDITION_WORDS and len(words) <= 2) or \
                self.words.strip().startswith(CONDITION_OPENERS)
        return self.comma and not self.spaced

    @property
    def joins(self) -> bool:
        """Whether the words join two conditions (``\\text{ and }``, ``\\text{ or }``)."""
        return self.words.split()[:1] in (["and"], ["or"])

    @property
    def has_words(self) -> bool:
        return bool(self.words.strip())


def breaks(t, toks: list[int], closer: dict[int, int]) -> list[Break]:
    """The break runs among a row's top-level tokens, in order."""
    out: list[Break] = []
    depth, j, m = 0, 0, len(toks)
    while j < m:
        i = toks[j]
        text = t.text(i)
        if depth == 0 and _starts_run(t, toks, j, closer):
            start = t.starts[i]
            words: list[str] = []
            spaced = comma = False
            end = t.ends[i]
            while j < m:
                i = toks[j]
                text = t.text(i)
                kind = t.kinds[i]
                if kind == "word" and text in WORDS and _is_name(t, i, closer) and not (
                        j > 0 and t.is_char(toks[j - 1], "(") and t.starts[toks[j - 1]] >= start):
                    break  # \text{KL}(p \| q): a name in the formula; (\text{Jensen}): prose
                if kind == "word" and text in WORDS:
                    arg = t.next(i)
                    if arg in closer and t.text(arg) == "{":
                        words.append(t.latex[t.ends[arg]:t.starts[closer[arg]]])
                        end = t.ends[closer[arg]]
                    else:
                        end = t.ends[i]
                elif kind == "word" and text in LOGIC_WORDS:
                    words.append(LOGIC_WORDS[text])
                    end = t.ends[i]
                elif kind == "word" and text in SPACING:
                    spaced = True
                    end = t.ends[i]
                    arg = t.next(i)
                    if text == r"\hspace" and arg in closer:
                        end = t.ends[closer[arg]]
                elif (kind == "char" and text == "(" and j + 1 < m
                      and t.text(toks[j + 1]) in WORDS):
                    end = t.ends[i]  # (\text{by the rule}): a remark in brackets
                elif text in SMALL_SPACING or (kind == "char" and text == "~"):
                    end = t.ends[i]
                elif kind == "char" and text == ",":
                    comma = True
                    end = t.ends[i]
                elif kind == "char" and text == ";":
                    spaced = True
                    end = t.ends[i]
                else:
                    break
                j += 1
            if words or spaced or comma:
                out.append(Break(start, end, " ".join(words).lower(), spaced, comma))
            continue
        depth = max(0, depth + _BRACKETS.get(text, 0))
        j += 1
    return out


def column_breaks(t, toks: list[int], columns: list[int], found: list[Break],
                  closer: dict[int, int]) -> list[Break]:
    """The `&` at `columns` (offsets) that separate the column pairs of an align row
    (``a &= b & c &= d`` prints two equations side by side) as breaks that start a new
    chain, unless a break run already starts there (``& \\qquad c &= d``)."""
    out = []
    for amp in columns:
        if any(b.start <= amp + 1 and b.end >= amp for b in found):
            continue
        after = next((j for j, i in enumerate(toks) if t.starts[i] > amp), None)
        if after is not None and _starts_run(t, toks, after, closer):
            continue
        out.append(Break(amp, amp + 1, "", True, False))
    return out


def _tail_condition(latex: str, start: int, end: int) -> tuple[int, int] | None:
    """The condition that runs from `start` to the end of the row, trailing punctuation
    aside: a bracketed relation (``(x > 0)``, ``(i = 1, \\dots, N)``, its range inside the
    brackets) or a membership (``x \\in S``); None for anything else."""
    s, e = start, end
    while s < e and latex[s].isspace():
        s += 1
    while e > s:
        if latex[e - 1].isspace():
            e -= 1
        elif e - 2 >= s and latex[e - 2] == "\\" and latex[e - 1] in ",;:!":
            e -= 2
        elif latex[e - 1] in ".,;" and not (e - 2 >= s and latex[e - 2] == "\\"):
            e -= 1
        else:
            break
    if e - s >= 2 and latex[s] == "(" and latex[e - 1] == ")" and _closes(latex, s, e - 1):
        return (s + 1, e - 1) if _RELATION.search(latex, s + 1, e - 1) else None
    return (s, e) if _MEMBER.match(latex, s, e) else None


def _closes(latex: str, opening: int, closing: int) -> bool:
    """Whether the `(` at `opening` is closed by the `)` at `closing` and not before it."""
    depth = 0
    for k in range(opening, closing + 1):
        if latex[k] in "()" and (k == 0 or latex[k - 1] != "\\"):
            depth += 1 if latex[k] == "(" else -1
            if depth == 0:
                return k == closing
    return False


def _index_range(latex: str, start: int, rel, rels, row_end: int) -> bool:
    """Whether `k = 1, \\dots, K` starts at `start`: a bare name, `=` (the relation `rel`),
    and an ellipsis before any other relation of the row."""
    if rel[2] != "=" or _INDEX.fullmatch(latex, start, rel[0]) is None:
        return False
    m = _RANGE.search(latex, rel[1], row_end)
    return m is not None and not any(rel[1] <= r[0] < m.start() for r in rels)


def _starts_run(t, toks: list[int], j: int, closer: dict[int, int]) -> bool:
    i = toks[j]
    text, kind = t.text(i), t.kinds[i]
    if kind == "word" and text in SPACING | LOGIC_WORDS.keys():
        return True
    if kind == "word" and text in WORDS:
        return not _is_name(t, i, closer)
    return kind == "char" and text in ",;"


def _is_name(t, i: int, closer: dict[int, int]) -> bool:
    """Whether the \\text{..} at token i holds one bare word that is not a connective
    (``\\text{KL}``, ``\\text{loss}``): a name the formula uses, not a remark."""
    arg = t.next(i)
    if arg not in closer:
        return False
    word = t.latex[t.ends[arg]:t.starts[closer[arg]]]
    return (re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", word) is not None
            and word.lower() not in CONNECTIVES | CONDITION_WORDS)


def split_row(t, toks, row_start, row_end, rels, note, notes, closer, columns):
    """One row as segments (start, end, relations, note, fresh, condition): the breaks of
    :func:`breaks` (and the `&` in `columns` that separate column pairs of an align) start
    a new chain (fresh), give the steps before them a condition, or start a note that runs
    to the end of the row (blanked through `notes`).

    `rels` are the row's relations (start, end, normalised, note); `note` is the range of an
    `&&` column note already found; ranges are offsets into the display's latex."""
    segs: list[list] = []
    cur = [row_start, row_end, [], note, False, None]
    found = breaks(t, toks, closer)
    found += column_breaks(t, toks, columns, found, closer)
    found = sorted((b for b in found if b.start < row_end), key=lambda b: b.start)
    for n, b in enumerate(found):
        nxt = found[n + 1].start if n + 1 < len(found) else row_end
        after = [r for r in rels if b.end <= r[0] < nxt]
        if cur is None and (not after and not b.has_words or after and b.joins):
            # `, i = 1, \dots, n` or `\text{ and } y = 2`: the condition runs on
            notes.append((b.start, nxt))
            segs[-1][5] = (segs[-1][5][0], nxt)
            if segs[-1][3] and segs[-1][3][1] == b.start:
                segs[-1][3] = (segs[-1][3][0], nxt)
            continue
        if not after:
            # `\quad (x > 0)`, `, \quad (i = 1, \dots, N)`, `\text{for } x \in S`
            tail = _tail_condition(t.latex, b.end, row_end) \
                if b.condition or not b.has_words else None
            if tail is None and not b.has_words:
                continue
            notes.append((b.start, row_end))
            target = cur if cur is not None else segs[-1]
            target[3] = target[3] or (b.start, row_end)
            if tail is not None:
                target[5] = (target[5][0], tail[1]) if target[5] else tail
            if cur is not None:
                cur[1] = b.start
            break
        ranged = not b.has_words and (_index_range(t.latex, b.end, after[0], rels, row_end)
                                      or _INDEX_PAIR.fullmatch(t.latex, b.end, nxt) is not None)
        if (b.condition or ranged) and (cur is None or any(r[0] < b.start for r in rels
                                                           if r[0] >= cur[0]) or not segs):
            notes.append((b.start, nxt))
            target = cur if cur is not None else segs[-1]
            if cur is not None:
                cur[1] = b.start
                segs.append(cur)
                cur = None
            old = target[5]
            target[5] = (old[0] if old else b.end, nxt)
            target[3] = target[3] or (b.start, nxt)
            continue
        notes.append((b.start, b.end))
        if cur is not None:
            cur[1] = b.start
            segs.append(cur)
        cur = [b.end, row_end, [], None, True, None]
    if cur is not None:
        segs.append(cur)
    for seg in segs:
        seg[2] = [r for r in rels if seg[0] <= r[0] < seg[1]]
        if seg[5] is not None and _RANGE.search(t.latex, seg[5][0], seg[5][1]):
            seg[5] = None  # `for i = 1, \dots, N` ranges over an index: a note, no restriction
    return [tuple(seg) for seg in segs]
