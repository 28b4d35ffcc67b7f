"""The relations of one row: =, \\le, \\overset{(a)}{=} ... outside brackets, normalised."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..read import relations as read_relations

if TYPE_CHECKING:
    from .analysis import _Tokens

# Relation control words, normalised.
_RELATION_WORDS = {
    r"\le": "<=", r"\leq": "<=", r"\leqslant": "<=", r"\leqq": "<=",
    r"\ge": ">=", r"\geq": ">=", r"\geqslant": ">=", r"\geqq": ">=",
    r"\lt": "<", r"\gt": ">", r"\ne": "!=", r"\neq": "!=",
    r"\approx": "approx", r"\thickapprox": "approx", r"\approxeq": "approx",
    r"\simeq": "simeq", r"\sim": "sim", r"\cong": "cong", r"\equiv": "equiv",
    r"\propto": "propto", r"\varpropto": "propto",
    r"\iff": "iff", r"\Leftrightarrow": "iff", r"\Longleftrightarrow": "iff",
    r"\implies": "implies", r"\Rightarrow": "implies", r"\Longrightarrow": "implies",
    r"\impliedby": "impliedby", r"\Leftarrow": "impliedby", r"\Longleftarrow": "impliedby",
    r"\coloneqq": ":=", r"\coloneq": ":=", r"\triangleq": ":=", r"\defeq": ":=",
    r"\doteq": ":=", r"\eqqcolon": "=:", r"\ll": "<<", r"\gg": ">>",
}
_RELATION_WORDS.update(dict.fromkeys(read_relations.DEFINITION_WORDS, read_relations.DEFINITION))
_RELATION_TEXTS = {"=": "=", "<": "<", ">": ">", "<=": "<=", ">=": ">=", ":=": ":=",
                   "==": "=", **_RELATION_WORDS}
_BRACKET_WORDS = {
    r"\langle": ("<", True), r"\rangle": ("<", False), r"\lbrace": ("{", True),
    r"\rbrace": ("{", False), r"\lvert": ("|", True), r"\rvert": ("|", False),
    r"\lVert": ("||", True), r"\rVert": ("||", False), r"\lfloor": ("f", True),
    r"\rfloor": ("f", False), r"\lceil": ("c", True), r"\rceil": ("c", False),
    r"\lbrack": ("[", True), r"\rbrack": ("[", False),
}
_BRACKET_CHARS = {"(": ("(", True), ")": ("(", False), "[": ("[", True), "]": ("[", False),
                  r"\{": ("{", True), r"\}": ("{", False)}


def _relations(t: _Tokens, toks: list[int], neutral: bytearray, closer: dict[int, int]):
    """Top-level relations (start, end, normalised, note) among the tokens of one row."""
    m = len(toks)
    diff = [0] * (m + 1)
    stacks: dict[str, list[int]] = {}
    for j, i in enumerate(toks):
        if neutral[i]:
            continue
        kind = t.kinds[i]
        if kind == "char" or kind == "sym":
            bracket = _BRACKET_CHARS.get(t.text(i))
        elif kind == "word":
            bracket = _BRACKET_WORDS.get(t.text(i))
        else:
            bracket = None
        if bracket is None:
            continue
        cls, opening = bracket
        if opening:
            stacks.setdefault(cls, []).append(j)
        elif stacks.get(cls):
            diff[stacks[cls].pop()] += 1
            diff[j + 1] -= 1
    rels, acc, j = [], 0, 0
    inside = [0] * m
    for k in range(m):
        acc += diff[k]
        inside[k] = acc
    while j < m:
        i = toks[j]
        if inside[j] or neutral[i]:
            j += 1
            continue
        kind, s, e = t.kinds[i], t.starts[i], t.ends[i]
        norm, note = None, None
        nxt = toks[j + 1] if j + 1 < m else -1
        if kind == "char":
            c = t.latex[s]
            if c == "=":
                norm = "="
                if j > 0 and t.is_char(toks[j - 1], ":") and t.ends[toks[j - 1]] == s:
                    norm, s = ":=", t.starts[toks[j - 1]]
                if nxt >= 0 and t.is_char(nxt, "=") and t.starts[nxt] == e:
                    e, j = t.ends[nxt], j + 1
                elif nxt >= 0 and t.is_char(nxt, ":") and t.starts[nxt] == e and norm == "=":
                    norm, e, j = read_relations.DEFINITION, t.ends[nxt], j + 1  # a =: b
            elif c in "<>":
                norm = c
                if nxt >= 0 and t.is_char(nxt, "=") and t.starts[nxt] == e:
                    norm, e, j = c + "=", t.ends[nxt], j + 1
                elif nxt >= 0 and t.is_char(nxt, c) and t.starts[nxt] == e:
                    norm, e, j = c + c, t.ends[nxt], j + 1
        elif kind == "word":
            w = t.text(i)
            if w in _RELATION_WORDS:
                norm = _RELATION_WORDS[w]
            elif w == r"\not" and nxt >= 0:
                if t.is_char(nxt, "="):
                    norm = "!="
                elif t.kinds[nxt] == "word" and t.text(nxt) in _RELATION_WORDS:
                    norm = "not " + _RELATION_WORDS[t.text(nxt)]
                if norm:
                    e, j = t.ends[nxt], j + 1
            elif w in (r"\overset", r"\stackrel", r"\underset"):
                o1 = t.next(i)
                if t.is_char(o1, "{") and o1 in closer:
                    o2 = t.next(closer[o1])
                    if t.is_char(o2, "{") and o2 in closer:
                        inner = t.latex[t.ends[o2]:t.starts[closer[o2]]].strip()
                        if inner in _RELATION_TEXTS:
                            norm = _RELATION_TEXTS[inner]
                            note = t.latex[t.ends[o1]:t.starts[closer[o1]]].strip() or None
                            e = t.ends[closer[o2]]
                            if norm == "=" and note and read_relations.is_definition_label(note):
                                norm = read_relations.DEFINITION
        if norm is not None:
            rels.append((s, e, norm, note))
        j += 1
    return rels
