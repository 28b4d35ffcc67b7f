"""Joining rows into chains, and each side trimmed, with its \\arg\\max_{...} optimiser."""
from __future__ import annotations

import re

_OPERATOR_ENDINGS = ("+", "-", r"\cdot", r"\times", r"\pm", r"\mp", r"\div")
_CONTINUES = re.compile(
    r"\s*(?:[-+]|\\(?:cdot|times|pm|mp|div|quad|qquad|hspace|hphantom|phantom|kern|mkern|"
    r"hskip|mspace)(?![a-zA-Z])|\\[,;:! ]|~)")
_DELIMITER_BEFORE = re.compile(r"\\(?:right|left|middle|[bB]igg?[lrm]?)\s*$")
_NOTE_LEAD = re.compile(r"^(?:\s|,|\\q?quad(?![a-zA-Z])|\\hspace\s*\{[^{}]*\})+")
_SPACING_TAIL = re.compile(r"(?:\\(?:q?quad|displaystyle|hfill)|~)$")

_ARG_GAP = r"(?:\\[,;:! ]|~|\s)*+"  # spacing allowed inside "arg max"
_OPT_CORE = (
    r"(?:\\arg\s*+\\(?P<a>max|min)(?![a-zA-Z])"
    r"|\\(?P<b>argmax|argmin)(?![a-zA-Z])"
    r"|\\(?:operatorname\*?|mathrm|text|textrm|mathop)\s*+\{\s*+"
    r"(?:\\(?:mathrm|text|operatorname)\s*+\{\s*+)?"
    r"arg" + _ARG_GAP + r"(?P<c>max|min)\s*+(?:\}\s*+)?\}"
    r"|\\(?:mathrm|operatorname)\s*+\{\s*+arg\s*+\}\s*+\\(?P<d>max|min)(?![a-zA-Z]))")
_OPTIMISER = re.compile(r"\s*+" + _OPT_CORE +
                        r"(?:\s*+\\(?:no)?limits(?![a-zA-Z]))?\s*+(?P<sub>_)?")
_OPTIMISER_CORE = re.compile(r"\s*+" + _OPT_CORE + r"\s*+")
_UNDERSET = re.compile(r"\s*\\underset\s*\{")


def _build_chains(masked: str, with_notes: str, rows):
    """Join rows into chains: a row that starts with a relation (or an operator, or
    indentation, or has no relation) continues the chain of the row before it, unless a
    separator (`\\qquad`, `\\text{and}`) made it fresh. Each relation is
    (normalised, latex, note, condition range or None)."""
    done = []
    cur = None  # [sides [[s, e]], rels [(norm, latex, note, condition)]]
    under = None  # the claim a logical arrow put the current chain under (a range)

    def finish():
        if cur is not None and cur[1]:
            done.append(([_finish_side(masked, s, e) for s, e in cur[0]], cur[1]))

    def set_last(k: int, value, only_if_empty: bool = True) -> None:
        last = cur[1][-1]
        if not only_if_empty or not last[k]:
            cur[1][-1] = last[:k] + (value,) + last[k + 1:]

    for row_start, row_end, rels, note, fresh, condition, after_arrow in _split_arrows(masked,
                                                                                       rows):
        if note is not None:
            note = _NOTE_LEAD.sub("", with_notes[note[0]:note[1]].strip()) or None
        if condition is not None:
            condition = _finish_side(with_notes, *condition)[:2]
            if condition[0] >= condition[1]:
                condition = None
        first_end = rels[0][0] if rels else row_end
        seg0 = masked[row_start:first_end]
        if not rels and not seg0.strip():
            if cur is not None and cur[1]:
                if note:
                    set_last(2, note)
                if condition:
                    set_last(3, _both(cur[1][-1][3], condition), only_if_empty=False)
            continue
        continues = cur is not None and not fresh and (
            not rels or not seg0.strip() or _CONTINUES.match(seg0) is not None
            or _dangling(masked, *cur[0][-1]))
        if continues:
            if seg0.strip():
                cur[0][-1][1] = first_end
        else:
            under = None
            if after_arrow and cur is not None and cur[1]:
                # B in `A \\implies B` holds under A: under its last step (what A implies)
                under = _finish_side(with_notes, cur[0][-2][0], cur[0][-1][1])[:2]
            finish()
            cur = [[[row_start, first_end]], []]
        for k, (s, e, norm, rel_note) in enumerate(rels):
            cur[1].append((norm, masked[s:e], rel_note, under))
            cur[0].append([e, rels[k + 1][0] if k + 1 < len(rels) else row_end])
        if note and cur[1]:
            set_last(2, note)
        if condition and cur[1]:
            for k in range(len(cur[1]) - max(len(rels), 1), len(cur[1])):
                cur[1][k] = cur[1][k][:3] + (_both(cur[1][k][3], condition),)
    finish()
    return done


# Only a forward arrow: `A \\impliedby B` runs the other way, and `\\iff` inside a chain of
# relations is kept a relation (tests/test_document_extract.py reads it so).
LOGIC_ARROWS = frozenset({"implies"})


def _split_arrows(masked: str, rows):
    """The segments of `rows` with claims joined by a logical arrow cut apart: in
    ``A \\implies B`` (``\\Longrightarrow``, ``\\Rightarrow`` between two relations, or at the
    start of a row after one, or standing alone between \\quad) the arrow is no step, and B
    is a fresh segment marked as coming after an arrow (its chain is stated under A). An
    arrow without a relation on both sides stays a relation (reported, not checked)."""
    out = []
    pending = False  # an arrow stood alone: the next fresh segment comes after it
    for n, (start, end, rels, note, fresh, condition) in enumerate(rows):
        after = pending and fresh and bool(rels)
        pending = False
        cut, first = start, 0
        for k, r in enumerate(rels):
            if r[2] not in LOGIC_ARROWS:
                continue
            left = k > first or (not masked[cut:r[0]].strip() and bool(out) and bool(out[-1][2]))
            if not left:
                continue
            alone = not masked[r[1]:end].strip() and k + 1 == len(rels) and n + 1 < len(rows) \
                and rows[n + 1][4] and bool(rows[n + 1][2])
            if k + 1 == len(rels) and not alone:
                continue
            if k > first or masked[cut:r[0]].strip():
                out.append((cut, r[0], rels[first:k], None, fresh, condition, after))
            cut, first, fresh, after = r[1], k + 1, True, True
            if alone:
                pending = True
        if first < len(rels) or not pending:
            out.append((cut, end, rels[first:], note, fresh, condition, after))
    return out


def _both(a, b):
    """Two conditions of one step as one range over both: a text the checker cannot read as
    one relation, so the step is never checked without either."""
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), max(a[1], b[1]))


def _dangling(masked: str, s: int, e: int) -> bool:
    """Whether the side masked[s:e] is empty or ends with a binary operator."""
    tail = masked[max(s, e - 64):e].rstrip() or masked[s:e].rstrip()
    return not tail or tail.endswith(_OPERATOR_ENDINGS)


def _finish_side(masked: str, s: int, e: int):
    """Trim spaces and trailing punctuation; find an \\arg\\max_{...} prefix."""
    e = max(e, s)
    while s < e and masked[s].isspace():
        s += 1
    while e > s:
        c = masked[e - 1]
        backslashes = 0
        while e - 2 - backslashes >= s and masked[e - 2 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 1:
            if c in ",;:!" or c.isspace():  # \, \; \: \! and control space
                e -= 2
                continue
            break
        if c.isspace() or c == "~":
            e -= 1
        elif c in ",.;":
            if c == "." and _DELIMITER_BEFORE.search(masked, max(s, e - 17), e - 1):
                break  # the `.` of \right.
            e -= 1
        else:
            tail = _SPACING_TAIL.search(masked, max(s, e - 16), e)
            if tail is None:
                break
            e = tail.start()
    return s, e, _optimiser(masked, s, e)


def _optimiser(text: str, s: int, e: int) -> tuple[str, str] | None:
    m = _OPTIMISER.match(text, s, e)
    if m is not None:
        sense = next(g for g in m.group("a", "b", "c", "d") if g)[-3:]
        wrt = _argument(text, m.end(), e) if m.group("sub") else ""
        return sense, wrt
    m = _UNDERSET.match(text, s, e)
    if m is not None:
        below_end = _group_end(text, m.end() - 1, e)
        if below_end is None:
            return None
        k = below_end
        while k < e and text[k].isspace():
            k += 1
        if k < e and text[k] == "{":
            top_end = _group_end(text, k, e)
            if top_end is not None:
                core = _OPTIMISER_CORE.fullmatch(text, k + 1, top_end - 1)
                if core is not None:
                    sense = next(g for g in core.group("a", "b", "c", "d") if g)[-3:]
                    return sense, text[m.end():below_end - 1].strip()
    return None


def _group_end(text: str, brace: int, limit: int) -> int | None:
    """The offset after the `}` that closes the `{` at `brace` (None if it is not closed)."""
    depth, i = 0, brace
    while i < limit:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _argument(text: str, i: int, e: int) -> str:
    """A TeX argument at text[i:]: a {group}'s content, a control word, or one character."""
    while i < e and text[i].isspace():
        i += 1
    if i >= e:
        return ""
    if text[i] == "{":
        end = _group_end(text, i, e)
        return text[i + 1:(end - 1 if end else e)].strip()
    if text[i] == "\\":
        m = re.compile(r"\\(?:[a-zA-Z]+|.)").match(text, i, e)
        return m.group(0) if m else "\\"
    return text[i]
