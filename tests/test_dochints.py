"""Hints: every piece form of the documented syntax, and the errors for the rest."""
from __future__ import annotations

import pytest
import sympy as sp

from xentsym import domains as D
from xentsym.dochints import Declared, Defined, Specialised, read_hint
from xentsym.errors import ParseError


@pytest.mark.parametrize("text, names, domain", [
    (r"\theta \in (0, 1)", (("theta", False),), D.PROBABILITY),
    (r"\theta \in \left(0,1\right)", (("theta", False),), D.PROBABILITY),
    (r"y_i \in \{0, 1\}", (("y", True),), D.LABEL),
    (r"w \in \mathbb{R}_{>0}", (("w", False),), D.POSITIVE),
    (r"z \in \mathbb{R}", (("z", False),), D.REAL),
    (r"M \in \mathbb{N}", (("M", False),), D.SIZE),
    (r"a, b \in (0, 1)", (("a", False), ("b", False)), D.PROBABILITY),
    (r"0 < \beta < 1", (("beta", False),), D.PROBABILITY),
    (r"\sigma > 0", (("sigma", False),), D.POSITIVE),
    (r"0 < s", (("s", False),), D.POSITIVE),
    ("z: real", (("z", False),), D.REAL),
    ("t_i: labels", (("t", True),), D.LABEL),
])
def test_declarations(text, names, domain):
    item = read_hint(text)
    assert isinstance(item, Declared)
    assert item.names == names and item.domain == domain


def test_distributions_over_a_size():
    for text in ("p, q: distributions over K", r"p, q \in \Delta_{K}"):
        item = read_hint(text)
        assert item.domain == D.DISTRIBUTION and item.over == ("K",)
        assert item.names == (("p", False), ("q", False))


def test_values_and_definitions():
    spec = read_hint("n = 2")
    assert isinstance(spec, Specialised) and spec.new == 2 and str(spec.old) == "n"
    family = read_hint(r"\hat{y}_i = p_{\theta}(Y = 1 | x_i)")
    assert isinstance(family.old, sp.IndexedBase) and isinstance(family.new, sp.IndexedBase)
    mean = read_hint(r"\bar{x} := \frac{1}{m} \sum_{i=1}^{m} x_i")
    assert isinstance(mean, Defined) and isinstance(mean.body, sp.Mul)


@pytest.mark.parametrize("text", [
    "1 = 2",                         # not a name on the left
    r"\theta \in [0, 1]",            # a set the syntax does not know
    r"x \leq 3",                     # a relation that is neither
    "p: gadgets",                    # an unknown kind reads as NAME: ... which is not a hint
    r"2 x := 3",                     # a definition of something that is no name
])
def test_anything_else_is_a_located_error(text):
    with pytest.raises(ParseError) as info:
        read_hint(text, file="notes.md", line=7, column=15)
    assert (info.value.file, info.value.line) == ("notes.md", 7)
    assert "hint" in info.value.message
