"""Vector notation: bold names read through their entries, dot products, norms, gradients,
and unbounded sums that share an axis."""
from __future__ import annotations

import pytest
import sympy as sp

from xentsym.checkdoc import check_document
from xentsym.errors import ParseError
from xentsym.parse import parse
from xentsym.verify import Options

w, x, yhat, y, theta = (sp.IndexedBase(n) for n in ("w", "x", "yhat", "y", "theta"))
j, k = sp.symbols("j k", integer=True, positive=True)


def same(a, b) -> bool:
    """Equal up to the assumptions the reader gives names (printed forms agree)."""
    return str(a) == str(b)


def _dot(a, b):
    """The dot product written by hand, over whatever range the reader chose."""
    return lambda e: isinstance(e, sp.Sum) and same(
        e.function, a[e.variables[0]] * b[e.variables[0]])


@pytest.mark.parametrize("src", [r"\mathbf{w}^\top\mathbf{x}", r"\mathbf{w}^T \mathbf{x}",
                                 r"\mathbf{w}\cdot\mathbf{x}", r"\vec{w}\cdot\vec{x}",
                                 r"\boldsymbol{w}^{\top}\boldsymbol{x}", r"\bm{w}^\intercal\bm{x}"])
def test_dot_products_are_sums_over_the_shared_axis(src):
    assert _dot(w, x)(parse(src, plain=True))


def test_norms_and_entries():
    sq = parse(r"\|\mathbf{x}\|^2", plain=True)
    assert isinstance(sq, sp.Sum) and same(sq.function, x[sq.variables[0]] ** 2)
    assert parse(r"\left\| \mathbf{x} \right\|_2^2", plain=True) == sq
    assert parse(r"\lVert \mathbf{x} \rVert", plain=True) == sp.sqrt(sq)
    # what stays a vector is read entry by entry, at a free index j
    assert same(parse(r"\hat{\mathbf{y}} - \mathbf{y}", plain=True), yhat[j] - y[j])
    assert same(parse(r"\mathbf{\hat{y}}", plain=True), yhat[j])
    # a bracket is contracted before the product outside it
    e = parse(r"\mathbf{x}\,(\mathbf{w}^\top\mathbf{x})", plain=True)
    assert "x[j]" in str(e) and any(_dot(w, x)(s) for s in e.atoms(sp.Sum))


def test_sample_vectors_keep_their_sample_index():
    i = sp.Symbol("i", integer=True, positive=True)
    e = parse(r"\mathbf{x}_i^\top\boldsymbol{\theta}", plain=True)
    assert isinstance(e, sp.Sum) and same(e.function, theta[e.variables[0]] * x[i, e.variables[0]])


def test_a_bold_vector_with_an_index_above_is_that_sample():
    # a vector has no i-th power: x^i is sample i (x^{t+1}: the next iterate); ^2 stays
    # the squared norm
    i = sp.Symbol("i", integer=True, positive=True)
    assert same(parse(r"\mathbf{x}^i", plain=True), parse(r"\mathbf{x}^{(i)}", plain=True))
    e = parse(r"\boldsymbol{\theta}^\top \mathbf{x}^i", plain=True)
    assert isinstance(e, sp.Sum) and same(e.function, theta[e.variables[0]] * x[i, e.variables[0]])
    assert str(parse(r"\boldsymbol{x}^{t+1}", plain=True).indices[0]) == "t + 1"
    assert same(parse(r"\mathbf{x}^2", plain=True), parse(r"\|\mathbf{x}\|^2", plain=True))


@pytest.mark.parametrize("src, why", [
    (r"\mathbf{X}\mathbf{w}", "matrices"),
    (r"\mathbf{a}\mathbf{b}\mathbf{c}", "three vectors"),
    (r"\mathbf{x}^3", "power of a vector"),
    (r"\|\mathbf{x}", "only read inside"),
])
def test_what_has_no_vector_meaning_is_a_located_error(src, why):
    with pytest.raises(ParseError) as info:
        parse(src, plain=True)
    assert why in info.value.message and info.value.column is not None


DOC = r"""# Linear models, written with vectors

$$\mathbf{w}^\top\mathbf{x} = \sum_{j} w_j x_j$$

$$\mathbf{w}\cdot\mathbf{x} = \sum_{k=1}^{d} w_k x_k$$

$$\sum_i a_i = \sum_j a_j$$

$$\|\mathbf{w}\|^2 = \mathbf{w}^\top\mathbf{w}$$

$$\nabla_{\mathbf{w}} \frac{\lambda}{2}\|\mathbf{w}\|^2 = \lambda\mathbf{w}$$

$$\frac{\partial}{\partial w_j} \sum_k w_k x_k = x_j$$

$$\mathbf{w}^\top\mathbf{x} = \sum_{k=1}^{d} w_k x_k + 1$$

$$\nabla_{\mathbf{w}} \frac{1}{2}\sum_{k=1}^{d} w_k^2 = 2\mathbf{w}$$

$$\|\mathbf{w}\|^2 = \sum_j w_j$$
"""


def test_vector_steps_are_checked(tmp_path):
    path = tmp_path / "vectors.md"
    path.write_text(DOC, encoding="utf-8")
    got = [s.status for s in check_document(str(path), Options(samples=300)).steps]
    assert got[:6] == ["verified"] * 6, got
    # the planted errors
    assert got[6:] == ["refuted"] * 3, got


@pytest.mark.parametrize("braced, bare", [
    (r"\boldsymbol{\theta}^\top \mathbf{x}", r"\boldsymbol\theta^\top \mathbf x"),
    (r"\mathcal{L} + 1", r"\mathcal L + 1"),
])
def test_a_macro_argument_without_braces_is_one_token(braced, bare):
    assert parse(bare, plain=True) == parse(braced, plain=True)


def test_an_undefined_function_of_a_vector_takes_the_whole_vector():
    e = parse(r"P(y \mid \mathbf{x}; \boldsymbol\theta)", plain=True)
    assert str(e) == "P(y, x, theta)"
    # a known function applies entry by entry
    assert str(parse(r"\sigma(\mathbf{z})", plain=True)) == "Sigmoid(z[j])"


def test_a_function_of_a_vector_can_be_defined_and_used(tmp_path):
    path = tmp_path / "h.md"
    path.write_text(r"""
$$h(\mathbf{x}) = \sigma(\mathbf{w}^\top \mathbf{x})$$

$$\log h(\mathbf{x}) = \log(1 + e^{-\mathbf{w}^\top\mathbf{x}})$$
""", encoding="utf-8")
    got = [s.status for s in check_document(str(path), Options(samples=300)).steps]
    assert got == ["defined", "refuted"], got


def test_bars_in_pairs_are_norms_and_a_lone_bar_separates():
    e = parse(r"\|\mathbf{w} - \mathbf{v}\|^2", plain=True)
    assert isinstance(e, sp.Sum) and "(-v[k] + w[k])**2" in str(e)
    assert str(parse(r"D_{KL}(p \| q)", plain=True)) == "KLDivergence(p, q)"


def test_a_sample_superscript_and_an_entry_subscript_together():
    assert str(parse(r"x^{(i)}_j", plain=True)) == "x[i, j]"


def test_softmax_entries_and_leibniz_numerators(tmp_path):
    e = parse(r"\operatorname{softmax}(\mathbf{z})_k", plain=True)
    assert "exp(z[k])/Sum(exp(z[" in str(e)
    assert str(parse(r"\frac{d \sigma(z)}{d z}", plain=True)) == "Derivative(Sigmoid(z), z)"
    path = tmp_path / "s.md"
    path.write_text(r"""
$$\operatorname{softmax}(\mathbf{z} + c) = \operatorname{softmax}(\mathbf{z})$$

$$\operatorname{softmax}(2\mathbf{z}) = \operatorname{softmax}(\mathbf{z})$$

$$\sum_{k=1}^{K} \operatorname{softmax}(\mathbf{z})_k = 1$$

$$\frac{d \sigma(z)}{d z} = \sigma(z)\left(1 - \sigma(z)\right)$$
""", encoding="utf-8")
    got = [s.status for s in check_document(str(path), Options(samples=300)).steps]
    assert got == ["verified", "refuted", "verified", "verified"], got


def test_the_ones_vector_and_entropies_of_vectors():
    assert str(parse(r"\mathbf{1}^\top \hat{\mathbf{y}}", plain=True)).startswith("Sum(yhat[")
    ce = parse(r"H(\mathbf{y}, \hat{\mathbf{y}})", plain=True)
    assert isinstance(ce, sp.Sum) and "log(yhat[" in str(ce) and "y[" in str(ce)
    assert str(parse(r"H(\mathbf{p})", plain=True)) == "Entropy(p)"


@pytest.mark.parametrize("src", [r"\mathbf{x}\mathbf{x}^\top", r"\hat{\mathbf{x}}_i \cdot \hat{\mathbf{x}}_i^\mathrm{T}",
                                 r"\frac{\partial^2 \ell}{\partial \boldsymbol\beta \, \partial \boldsymbol\beta^\top}"])
def test_matrices_from_vectors_are_refused_not_misread(src):
    with pytest.raises(ParseError) as info:
        parse(src, plain=True)
    assert "matri" in info.value.message
