r"""Spellings of arg max / arg min, with the optimised parameters below (``_\theta``) or over them (``\underset``).

Notes write the optimiser in many ways; all are read as the same prefix of an objective:

* ``\arg\max_\theta``, ``\arg\min_{w}`` (``\arg`` then ``\max``/``\min``);
* ``\argmax_\theta``, ``\argmin_\theta`` (a macro many notes define);
* ``\operatorname*{argmax}_\theta``, ``\operatorname{arg\,max}_\theta``, ``\mathrm{argmin}_w``,
  ``\text{argmax}_\theta`` (spacing inside the word is ignored);
* ``\mathop{\mathrm{argmax}}_\theta``, ``\mathop{\arg\max}_\theta`` (any of the above in ``\mathop``);
* ``\underset{\theta}{\arg\max}``, ``\underset{\theta}{\operatorname{argmin}}``: the parameters
  are the first argument of ``\underset``.

The functions work on the reader's nodes through the predicates they are given.

>>> word_sense(r"arg\,max"), word_sense("argmin"), word_sense("arg"), word_sense(None)
('max', 'min', None, None)
"""
from __future__ import annotations

import re

WORDS = {"argmax": "max", "argmin": "min"}
WORD_MACROS = frozenset({r"\operatorname", r"\operatorname*", r"\mathrm", r"\text",
                         r"\textrm", r"\mathit"})
MACROS = {r"\argmax": "max", r"\argmin": "min"}
_SPACE = re.compile(r"\\[,;:! ]|~|\s")


def word_sense(arg: str | None) -> str | None:
    """'max' or 'min' for the text of ``\\operatorname{arg\\,max}`` and the like, else None."""
    if arg is None:
        return None
    return WORDS.get(_SPACE.sub("", arg))


def core(nodes: list, k: int, is_macro, is_spacing) -> tuple | None:
    """``(sense, end)`` of the optimiser word at ``nodes[k]``; ``(None, k)`` for ``\\arg`` not
    followed by ``\\max``/``\\min``; None when ``nodes[k]`` is no optimiser."""
    node = nodes[k]
    if is_macro(node, r"\arg"):
        j = k + 1
        while j < len(nodes) and is_spacing(nodes[j]):
            j += 1
        if j < len(nodes) and is_macro(nodes[j], r"\max", r"\min"):
            return nodes[j].text[1:], j + 1
        return None, k
    if is_macro(node, *MACROS):
        return MACROS[node.text], k + 1
    if is_macro(node, *WORD_MACROS):
        sense = word_sense(node.arg)
        return (sense, k + 1) if sense else None
    return None


def wrapped(nodes: list, k: int, is_macro, is_spacing, children) -> tuple | None:
    r"""``(sense, parameters or None, end)`` for ``\mathop{CORE}`` (parameters None: a
    subscript follows) and ``\underset{PARAMETERS}{CORE}`` at ``nodes[k]``; else None.
    ``children(node)`` is the content of a brace group, or None for any other node."""
    node = nodes[k]
    if is_macro(node, r"\mathop") and k + 1 < len(nodes):
        inner = children(nodes[k + 1])
        found = _whole_core(inner, is_macro, is_spacing)
        return (found, None, k + 2) if found else None
    if is_macro(node, r"\underset") and k + 2 < len(nodes):
        below, above = children(nodes[k + 1]), children(nodes[k + 2])
        found = _whole_core(above, is_macro, is_spacing)
        if found and below is not None:
            return found, below, k + 3
    return None


def _whole_core(inner, is_macro, is_spacing) -> str | None:
    if not inner:
        return None
    inner = [t for t in inner if not is_spacing(t)]
    found = core(inner, 0, is_macro, is_spacing) if inner else None
    if found is None or found[0] is None or found[1] != len(inner):
        return None
    return found[0]
