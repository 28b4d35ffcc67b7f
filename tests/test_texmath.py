"""The typesetter of author-typed LaTeX (reasons' $math$, a document's displays) as MathML."""
from __future__ import annotations

import html as stdhtml
import re
import xml.dom.minidom

import pytest

from xentsym.render.html.texmath import MAX_DEPTH, tex_mathml


def _plain(markup: str) -> str:
    """The characters of a fragment in reading order, tags dropped."""
    return stdhtml.unescape(re.sub(r"<[^>]+>", "", markup))


def _well_formed(markup: str) -> None:
    xml.dom.minidom.parseString(f"<math>{markup}</math>")


@pytest.mark.parametrize("tex, reads", [
    (r"\sigma' = \sigma(1 - \sigma)", "σ′=σ(1−σ)"),
    (r"\hat{y}_i - y_i", "yˆi−yi"),
    (r"D_{\mathrm{KL}}(p \| q)", "DKL(p‖q)"),
    (r"\log \frac{p(x)}{q(x)}", "logp(x)q(x)"),
    (r"\mathbb{E}_{x \sim p}[\mathbf{w}^\top x]", "𝔼x∼p[𝐰⊤x]"),
    (r"\operatorname{arg\,max}_\theta L", "arg maxθL"),
    (r"a \le b \neq c \cdot d", "a≤b≠c\u22c5d"),  # \cdot is U+22C5 DOT OPERATOR
    (r"\text{if } y = 1", "if\u00a0y=1"),
])
def test_reads_as_typed(tex, reads):
    out = tex_mathml(tex)
    _well_formed(out)
    assert _plain(out) == reads


def test_structure_of_scripts_fractions_and_sums():
    out = tex_mathml(r"\frac{1}{N} \sum_{i=1}^{N} x_i^2", display=True)
    assert out.count("<mfrac>") == 1 and "<munderover>" in out
    assert "<msubsup><mi>x</mi><mi>i</mi><mn>2</mn></msubsup>" in out
    # Inline, a sum's limits are scripts (msubsup), never munderover.
    assert "<munderover>" not in tex_mathml(r"\sum_{i=1}^{N} x_i")
    assert "<msubsup><mo largeop" in tex_mathml(r"\sum_{i=1}^{N} x_i")
    assert "<msqrt>" in tex_mathml(r"\sqrt{2}") and "<mroot>" in tex_mathml(r"\sqrt[3]{2}")


def test_a_sum_in_a_fraction_keeps_its_limits_under_the_sign():
    # A fraction's parts are set in a smaller style where limits become scripts; the part
    # holding the sum is put back in display style (what the Chromium layout test measures).
    out = tex_mathml(r"\frac{e^{z_k}}{\sum_{m=1}^{K} e^{z_m}}", display=True)
    assert re.search(r'<mfrac><mrow>.*</mrow><mstyle displaystyle="true"><mrow><munderover>',
                     out)


def test_align_rows_and_cases_are_tables():
    out = tex_mathml(r"a &= b + c \\ &= d", display=True)
    _well_formed(out)
    assert out.count("<mtr>") == 2 and out.count("<mtd ") == 4
    assert 'columnalign="right left"' in out
    cases = tex_mathml(r"f = \begin{cases} 1 & \text{if } x > 0 \\ 0 & \text{otherwise}"
                       r"\end{cases}", display=True)
    _well_formed(cases)
    assert cases.count("<mtr>") == 2 and "<mo>{</mo>" in cases
    assert 'columnalign="left left"' in cases


def test_markup_is_escaped_and_unknown_commands_are_shown():
    out = tex_mathml(r"\text{<script>alert(1)</script>} < \foo & x")
    _well_formed(out)
    assert "<script" not in out and "&lt;script&gt;" in out
    assert "<mtext>\\foo</mtext>" in out  # an unknown command is visible, not dropped


@pytest.mark.parametrize("tex", ["{" * (MAX_DEPTH + 5) + "x", "a_{", r"\frac{1}", "}}}", "^",
                                 r"\left(", r"\begin{cases} a", r"\sqrt[", "\\"])
def test_broken_input_still_gives_well_formed_markup(tex):
    out = tex_mathml(tex, display=True)
    _well_formed(out)


def test_too_deep_is_shown_as_source():
    tex = "{" * (MAX_DEPTH + 5) + "x" + "}" * (MAX_DEPTH + 5)
    assert tex_mathml(tex) == f"<mtext>{tex}</mtext>"
    assert "<mtext>" not in tex_mathml("{" * 5 + "x" + "}" * 5)
