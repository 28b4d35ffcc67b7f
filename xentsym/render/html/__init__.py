"""Derivations as one self-contained HTML page: MathML, justifications, a verdict per step.

The page needs nothing at view time: no script, no web font, no stylesheet from elsewhere.
Math is presentation MathML (rendered natively by current browsers), printed by a subclass
of SymPy's MathML printer that writes the lecture's notation; plots are inline SVG.
Every piece of text is escaped.

The package: :mod:`.mathml_printer` (the printer and <math> elements), :mod:`.words`
(English and Chinese), :mod:`.style` (CSS), :mod:`.sections` (one derivation: steps, badges,
plot; notebook fragments) and :mod:`.pages` (the whole page, and :func:`render`).
"""
from __future__ import annotations

from .mathml_printer import APPLY_FUNCTION as APPLY_FUNCTION
from .mathml_printer import INVISIBLE_TIMES as INVISIBLE_TIMES
from .mathml_printer import MINUS as MINUS
from .mathml_printer import XentMathMLPrinter as XentMathMLPrinter
from .mathml_printer import mathml as mathml
from .mathml_printer import mathml_body as mathml_body
from .pages import page as page
from .pages import render as render
from .sections import RELATION_SIGN as RELATION_SIGN
from .sections import _plot as _plot
from .sections import anchor as anchor
from .sections import badge as badge
from .sections import counterexample_text as counterexample_text
from .sections import formula_fragment as formula_fragment
from .sections import fragment as fragment
from .sections import heading as heading
from .sections import justification as justification
from .sections import rows as rows
from .sections import section as section
from .style import CSS as CSS
from .style import PAGE_CSS as PAGE_CSS
from .words import ICON as ICON
from .words import WORDS as WORDS
