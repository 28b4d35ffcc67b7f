r"""When a name followed by a bracket is a function application, not a product.

TeX prints ``s(a)`` and ``s \cdot (a)`` differently only by the dot; a reader takes
``\mathrm{softmax}(2z)`` for the function softmax at 2z and ``p(1-p)`` for a product. The rule:

* a multi-letter name written in ``\mathrm``, ``\operatorname``, ``\text``, ``\mathit``
  (``\mathrm{softmax}``, ``\operatorname{logit}``, ``\text{KL}``), or any name in
  ``\operatorname`` (``\operatorname{E}``), applied to a bracket ``( )`` or ``[ ]`` is
  always an application;
* a single letter (also a Greek letter or an accented letter) applied to a bracket holding
  only names, separated by ``,`` ``;`` ``|`` ``\mid`` (``s(a)``, ``g(z_i)``, ``h(x, y)``) is an
  application; a bracket holding an expression with operators or numbers
  (``p(1-p)``, ``\beta(1-\beta)``, ``x(x+1)``, ``s(2)``) stays a product.

The functions work on the reader's nodes (objects with ``kind``/``text``, groups with
``children``) through the predicates they are given.
"""
from __future__ import annotations

import re

WORD_MACROS = frozenset({r"\mathrm", r"\operatorname", r"\text", r"\mathit", r"\textrm",
                         r"\textit", r"\mbox"})
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")
_OPERATOR = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_SEPARATORS = frozenset({",", ";", "|"})
_SEPARATOR_MACROS = frozenset({r"\mid"})


def is_word_name(node) -> bool:
    """``\\mathrm{softmax}``-like: a name of two or more letters in a word macro, or any
    name declared an operator with ``\\operatorname{E}``."""
    if getattr(node, "kind", None) != "macro" or node.text not in WORD_MACROS or node.arg is None:
        return False
    word = _WORD if node.text != r"\operatorname" else _OPERATOR
    return word.fullmatch(node.arg.strip()) is not None


def _is_separator(node) -> bool:
    kind = getattr(node, "kind", None)
    return ((kind == "char" and node.text in _SEPARATORS)
            or (kind == "macro" and node.text in _SEPARATOR_MACROS))


def holds_only_names(children: list, starts_name, is_index_group, is_spacing) -> bool:
    """Whether a bracket's content is names separated by , ; | \\mid.

    A name is ``starts_name(node)`` (a letter, Greek letter, \\mathrm{..}), an accent with
    its argument, then optional ``_x`` / ``^{(i)}`` parts (``is_index_group`` says whether
    the node after ``^`` is an index such as ``{(i)}``).
    """
    items: list[list] = [[]]
    for node in children:
        if is_spacing(node):
            continue
        if _is_separator(node):
            items.append([])
        else:
            items[-1].append(node)
    for item in items:
        if not item or not starts_name(item[0]):
            return False
        k = 1
        if getattr(item[0], "kind", None) == "macro" and item[0].text in _ACCENTS:
            if len(item) < 2:
                return False
            k = 2  # \hat{y}
        while k < len(item):
            mark = item[k]
            if getattr(mark, "kind", None) != "char" or k + 1 >= len(item):
                return False
            if mark.text == "_" or (mark.text == "^" and is_index_group(item[k + 1])):
                k += 2
            else:
                return False
    return True


_ACCENTS = frozenset({r"\hat", r"\widehat", r"\bar", r"\overline", r"\tilde", r"\widetilde"})
