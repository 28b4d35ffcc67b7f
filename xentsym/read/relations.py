r"""Relation spellings that mean "is defined as".

``\coloneqq``, ``\triangleq``, ``\defeq``, ``:=``, ``=:``, ``\equiv`` (used as "defined as"
in this field's notes) and ``=`` with "def" written above it (``\stackrel{\text{def}}{=}``,
``\overset{def}{=}``, ``\overset{\mathrm{def}}{=}``, ``\overset{\Delta}{=}``) all normalise
to ``":="``. ``\approx``,
``\simeq``, ``\sim`` are not equalities and keep names of their own.
"""
from __future__ import annotations

import re

DEFINITION = ":="
# Relation control words that mean "defined as".
DEFINITION_WORDS = frozenset({r"\coloneqq", r"\coloneq", r"\triangleq", r"\defeq", r"\doteq",
                              r"\eqqcolon", r"\equiv"})
_LABEL_WRAPPERS = re.compile(r"\\(?:text|mathrm|textrm|mathit|textit|rm|it|scriptscriptstyle|"
                             r"scriptstyle|tiny|small|footnotesize|operatorname|mbox)"
                             r"(?![A-Za-z])|[{}\s.:]")


def is_definition_label(label: str) -> bool:
    """Whether the text written above an ``=`` says "def" (``\\text{def}``, ``def``, ``def.``)."""
    return _LABEL_WRAPPERS.sub("", label).lower() in ("def", "defn", "definition", r"\delta",
                                                        r"\triangle", r"\vartriangle")
