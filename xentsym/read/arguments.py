r"""TeX's argument rule: an argument without braces is ONE token.

``\frac12`` is ``\frac{1}{2}``, ``\sqrt 12`` is ``\sqrt{1} 2``, ``x^12`` is ``x^{1} 2``, and
a base takes one superscript and one subscript (``a^b^c`` is TeX's "Double superscript"
error, so it is refused rather than read as either tower).
TeX ignores spaces in math, so digits separated by spaces are one number as typeset
(``1 0`` prints ``10``); the tokenizer therefore reads a run of digits across spaces as
one numeral, and :func:`split_arguments` then cuts the first digit off a numeral that
stands where a macro expects an argument.

The functions work on any token objects with ``kind``, ``text``, ``start`` and ``end``
attributes (dataclasses) and on groups with a ``children`` list.
"""
from __future__ import annotations

import dataclasses

# How many arguments each construct reads after itself (an optional [..] of \sqrt is
# skipped first).
ARGUMENT_COUNTS = {
    r"\frac": 2, r"\dfrac": 2, r"\tfrac": 2, r"\cfrac": 2,
    r"\binom": 2, r"\dbinom": 2, r"\tbinom": 2,
    r"\overset": 2, r"\underset": 2, r"\stackrel": 2,
    r"\sqrt": 1, r"\hat": 1, r"\widehat": 1, r"\bar": 1, r"\overline": 1,
    r"\tilde": 1, r"\widetilde": 1, r"\vec": 1, r"\dot": 1, r"\ddot": 1,
    "^": 1, "_": 1,
}


def _count(node) -> int:
    kind = getattr(node, "kind", None)
    if kind == "macro" or (kind == "char" and node.text in "^_"):
        return ARGUMENT_COUNTS.get(node.text, 0)
    return 0


def _split_first(tok):
    """A numeral token split into its first character and the rest (two tokens)."""
    first = dataclasses.replace(tok, text=tok.text[0], end=tok.start + 1)
    rest_start = tok.start + 1
    rest = dataclasses.replace(tok, text=tok.text[1:], start=rest_start)
    return first, rest


def split_arguments(nodes: list, is_optional=lambda node: False,
                    is_spacing=lambda node: False) -> tuple | None:
    """Cut numerals that stand as undelimited arguments, in place, in every nested list.

    ``is_optional(node)`` says whether a node is the optional ``[..]`` argument of \\sqrt.
    Returns ``(message, offset)`` for the first pair of numerals that stand side by side
    with only spacing between them (``1\\,000``, ``1~0``): TeX prints a gap a reader may
    take for a thousands separator or for a product, so the caller refuses it. None if
    there is none.
    """
    problem = None
    arguments: set[int] = set()
    k = 0
    while k < len(nodes):
        node = nodes[k]
        children = getattr(node, "children", None)
        if children is not None:
            problem = split_arguments(children, is_optional, is_spacing) or problem
        wanted = _count(node)
        if wanted:
            j = k + 1
            if node.text == r"\sqrt" and j < len(nodes) and is_optional(nodes[j]):
                problem = split_arguments(nodes[j].children, is_optional, is_spacing) or problem
                j += 1
            for _ in range(wanted):
                if j >= len(nodes):
                    break
                arg = nodes[j]
                if getattr(arg, "kind", None) == "number" and len(arg.text) > 1:
                    nodes[j:j + 1] = list(_split_first(arg))
                arguments.add(j)
                j += 1
        k += 1
    problem = problem or _double_script(nodes)
    last = None  # index of the last numeral that is not an argument, if only spacing followed
    for k, node in enumerate(nodes):
        if getattr(node, "kind", None) == "number":
            if last is not None and k not in arguments and problem is None:
                problem = ("two numbers stand side by side with only spacing between them; "
                           "write them as one number or put \\cdot between them", node.start)
            last = None if k in arguments else k
        elif not is_spacing(node):
            last = None
    return problem


def _double_script(nodes: list) -> tuple | None:
    """TeX refuses ``a^b^c`` ("Double superscript") and ``x_i_j``: a base takes at most one
    superscript and one subscript. ``(message, offset)`` of the first repeat, else None.
    ``x^2_i`` (the same as ``x_i^2`` in print) is reordered in place to ``x_i^2``."""
    seen: set[str] = set()
    k = 0
    while k < len(nodes):
        node = nodes[k]
        mark = node.text if getattr(node, "kind", None) == "char" and node.text in "^_" else None
        if mark is None:
            seen = set()
            k += 1
            continue
        if mark in seen:
            what = "superscript" if mark == "^" else "subscript"
            fix = "{a^{b}}^{c} or a^{b^{c}}" if mark == "^" else "x_{i j} or {x_{i}}_{j}"
            return f"double {what}: TeX refuses a base with two {what}s; write {fix}", node.start
        seen.add(mark)
        if mark == "^" and k + 3 < len(nodes) and _is_mark(nodes[k + 2], "_") and "_" not in seen:
            # x^2_i is x_i^2 as TeX prints it: put the subscript first, as the reader expects
            nodes[k:k + 4] = nodes[k + 2:k + 4] + nodes[k:k + 2]
            seen.add("_")
            k += 4
            continue
        k += 2  # the mark and its one argument
    return None


def _is_mark(node, mark: str) -> bool:
    return getattr(node, "kind", None) == "char" and node.text == mark

