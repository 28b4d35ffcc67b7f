"""Jupyter display: Derivation and Formula render themselves as LaTeX and as HTML."""
from __future__ import annotations

import html as stdhtml
import re
from pathlib import Path

import pytest

from xentsym import formulas
from xentsym.derivation import Derivation
from xentsym.discover import discover
from xentsym.functions import CrossEntropy, KLDivergence
from xentsym.notation import p, q
from xentsym.render import jupyter  # noqa: F401  (registers the display hooks, as IPython does)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def kl_split():
    (d,) = discover([ROOT / "derivations"], only="kl-split")
    return d


def test_derivation_latex_is_one_aligned_block(kl_split):
    tex = kl_split._repr_latex_()
    assert tex.startswith(r"$$\begin{aligned}") and tex.endswith(r"\end{aligned}$$")
    lines = tex[2:-2].split("\\\\")
    assert len(lines) == len(kl_split.steps)
    assert all("&=" in ln for ln in lines)
    assert r"D_{KL}(p \| q) &= \sum_{i=1}^{n} p(x_{i}) \log" in lines[0]
    assert r"\text{log of a quotient}" in lines[1]
    assert r"\arg\min_{q}" in lines[-1]


def test_derivation_html_has_steps_reasons_and_badges(kl_split):
    page = kl_split._repr_html_()
    assert page.startswith('<div class="xentsym">') and "<style>" in page
    assert "<html" not in page and "<script" not in page
    assert page.count('<tr class="step"') == len(kl_split.steps)
    statuses = re.findall(r'<span class="badge (\w+)" data-status="\w+" data-symbolic', page)
    assert statuses == ["verified"] * len(kl_split.steps)
    for s in kl_split.steps:
        assert stdhtml.escape(s.template("en").split("{}")[0]) in page
    assert page.count("<math") >= 2 * len(kl_split.steps)
    assert "checked numerically at" in page


def test_a_wrong_derivation_shows_its_counterexample():
    d = Derivation("oops", "KL is not cross-entropy", KLDivergence(p, q))
    d.claim(CrossEntropy(p, q), "wrong on purpose")
    page = d._repr_html_()
    assert 'data-status="refuted"' in page and "counterexample" in page
    assert "left side = " in page and "right side = " in page


def test_formula_latex_and_html():
    bce = formulas.get("binary_cross_entropy")
    tex = bce._repr_latex_()
    assert tex.startswith("$$") and tex.endswith("$$")
    assert r"\frac{1}{N} \sum_{i=1}^{N}" in tex and r"\log \hat{y}_{i}" in tex
    page = bce._repr_html_()
    assert stdhtml.escape(bce.title) in page and bce.name in page
    assert '<math display="block">' in page and "<munderover>" in page
    assert "<mfrac><mn>1</mn><mi>N</mi></mfrac>" in page
    text = stdhtml.unescape(re.sub(r"<[^>]+>", "", page))
    assert "label" in text and "probability" in text  # where y_i and yhat_i live


@pytest.mark.parametrize("name", formulas.names())
def test_every_formula_displays(name):
    f = formulas.get(name)
    tex = f._repr_latex_()
    assert tex.startswith("$$ ") and tex.endswith(" $$") and len(tex) > 8
    page = f._repr_html_()
    assert '<math display="block">' in page and "</math>" in page and "<script" not in page


def test_ipython_picks_the_representations(kl_split):
    formatters = pytest.importorskip("IPython.core.formatters")
    shown = formatters.DisplayFormatter().format(formulas.get("entropy"))[0]
    assert shown["text/latex"].startswith("$$") and "<math" in shown["text/html"]
    shown = formatters.DisplayFormatter().format(kl_split)[0]
    assert shown["text/latex"].startswith(r"$$\begin{aligned}")
    assert 'data-status="verified"' in shown["text/html"]


def test_every_derivation_gives_one_aligned_row_per_step():
    # Not only "=" chains: inequalities and optimiser steps get a row each too.
    for d in discover([ROOT / "derivations"]):
        tex = d._repr_latex_()
        assert tex.startswith(r"$$\begin{aligned}") and tex.endswith(r"\end{aligned}$$")
        assert tex.count("&&") == len(d.steps), d.name  # one row, one reason per step


def test_the_model_shows_nothing_until_the_renderers_register(monkeypatch):
    from xentsym import display
    monkeypatch.setattr(display, "HOOKS", {})
    assert formulas.get("entropy")._repr_html_() is None
