"""Jupyter display hooks for derivations and formulas, registered into ``xentsym.display``."""
from __future__ import annotations

from .. import display
from . import html
from . import latex as tex
from .printer import latex


def derivation_latex(d) -> str:
    """The steps as one ``aligned`` block."""
    return f"$${tex.block(d, env='aligned')}$$"


def derivation_html(d) -> str:
    """Steps, reasons and a verdict per step (the derivation is verified now)."""
    from ..verify import verify
    (result,) = verify([d])
    return html.fragment(d, result)


def formula_latex(f) -> str:
    """The expression in the lecture's notation."""
    return f"$$ {latex(f.expr)} $$"


def formula_html(f) -> str:
    """The title, the expression as MathML, and the domain of each symbol."""
    return html.formula_fragment(f)


display.register("Derivation", "latex", derivation_latex)
display.register("Derivation", "html", derivation_html)
display.register("Formula", "latex", formula_latex)
display.register("Formula", "html", formula_html)
