r"""Leibniz's derivative fractions (``\frac{\partial L}{\partial w}``, ``\frac{dJ}{d\theta}``): one name on top.

``\frac{d}{dx} f`` is an operator that takes the product after it. With a name in the
numerator the fraction is a complete value, the derivative of that name:
``\frac{\partial L}{\partial w}``, ``\frac{\partial \ell}{\partial z_k}``, ``\frac{d J}{d \theta}``,
``\frac{\partial^2 L}{\partial w^2}``, ``\frac{d J(\theta)}{d \theta}``: the numerator after
``d``/``\partial`` (and its order ``^{n}``) is exactly one name, a symbol, a family entry
(``y_i``) or a function applied to names (``L(w)``). Any other numerator
(``\frac{d (x^2)}{dx}``, ``\frac{d a b}{dx}``, ``\frac{d \log x}{dx}``) is one quantity too,
differentiated whole, as the fraction groups it (``calculus.CalculusMixin._numerator``).

:func:`numerator_name` finds the nodes of that name; the reader reads them as it reads any
name, and :func:`is_single_name` checks what it read.

>>> import sympy as sp
>>> is_single_name(sp.Symbol("L")), is_single_name(sp.Function("J")(sp.Symbol("t")))
(True, True)
>>> is_single_name(sp.Symbol("a") * sp.Symbol("b")), is_single_name(sp.E)
(False, False)
"""
from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef

from ..functions import Sigmoid


def numerator_name(num: list, is_power) -> tuple[list, int]:
    """``(order nodes, where the name starts)`` in a numerator ``d``, ``d^{n}``, ``d L``,
    ``d^{2} L`` (``num[0]`` is the sign d or \\partial); no name follows in an operator."""
    if len(num) >= 3 and is_power(num[1]):
        return num[2:3], 3
    return [], 1


def is_single_name(value) -> bool:
    """Whether what the numerator read as is one name: a symbol (not a constant such as e),
    a family entry, or a function of names applied to them (``L(w)``)."""
    if isinstance(value, sp.Symbol):
        return True
    if isinstance(value, sp.Indexed):
        return True
    # L(w), and a known function of names: d sigma(z) / dz
    return isinstance(value, (AppliedUndef, Sigmoid)) and all(
        isinstance(a, (sp.Symbol, sp.Indexed, sp.IndexedBase)) for a in value.args)
