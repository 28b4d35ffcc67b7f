r"""The notation of real course notes (issue 11): sums without bounds, KL and entropy spellings,
optimiser spellings, Leibniz derivatives.

Each reading is compared with an expression built here by hand from what the notation means,
and end to end with check-doc's verdicts on short documents written for these tests.
"""
from __future__ import annotations

import pytest
import sympy as sp

import xentsym.notation as nt
from xentsym.checkdoc import check_document
from xentsym.errors import ParseError
from xentsym.parse import parse

i, k, n = nt.i, nt.k, nt.n
log = sp.log


def size(letter: str) -> sp.Symbol:
    """The own range of an unbounded sum over ``letter``, as a plain positive integer."""
    return sp.Symbol(f"N_{letter}", integer=True, positive=True)


def plain_sizes(e):
    """``e`` with every symbol named like a range size (N_i) made a plain positive integer."""
    return e.xreplace({s: size(s.name[2:]) for s in e.free_symbols
                       if isinstance(s, sp.Symbol) and s.name.startswith("N_")})


def family(name: str) -> sp.IndexedBase:
    return sp.IndexedBase(name, real=True)


def statuses(tmp_path, text: str, name: str = "notes.md") -> list[str]:
    doc = tmp_path / name
    doc.write_text(text)
    return [s.status for s in check_document(str(doc)).steps]


# ----------------------------------------------------------------------------- 1. sums

a, b = family("a"), family("b")
j = sp.Symbol("j", integer=True)
xi = sp.Symbol("x", integer=True)  # x as the index of a sum over outcomes

UNBOUNDED = [
    (r"\sum_i a_i", sp.Sum(a[i], (i, 1, size("i")))),
    (r"\sum_{i} a_i b_i", sp.Sum(a[i] * b[i], (i, 1, size("i")))),
    (r"\sum_k y_k \log \hat{y}_k", sp.Sum(nt.y[k] * log(nt.yhat[k]), (k, 1, size("k")))),
    (r"\sum_{j} a_j^2", sp.Sum(a[j] ** 2, (j, 1, size("j")))),
    (r"\prod_i a_i", sp.Product(a[i], (i, 1, size("i")))),
    (r"\prod_{i} (1 - a_i)", sp.Product(1 - a[i], (i, 1, size("i")))),
    # over outcomes: the conventional number of outcomes n, and p(x) is the entry p_x
    (r"\sum_x p(x) \log q(x)", sp.Sum(nt.p[xi] * log(nt.q[xi]), (xi, 1, n))),
    (r"\sum_{x} p(x)", sp.Sum(nt.p[xi], (xi, 1, n))),
    (r"\sum_{x \in \mathcal{X}} p(x) \log \frac{p(x)}{q(x)}",
     sp.Sum(nt.p[xi] * log(nt.p[xi] / nt.q[xi]), (xi, 1, n))),
    # the entries of a distribution: its sums run over n, as in H(p)
    (r"\sum_i p_i \log q_i", sp.Sum(nt.p[i] * log(nt.q[i]), (i, 1, n))),
    # nested: each sum keeps its own range
    (r"\sum_i \sum_k a_{i,k}", sp.Sum(sp.Sum(a[i, k], (k, 1, size("k"))), (i, 1, size("i")))),
]


@pytest.mark.parametrize("latex,expected", UNBOUNDED, ids=[u[0] for u in UNBOUNDED])
def test_unbounded_sums_run_over_a_whole_range(latex, expected):
    assert plain_sizes(parse(latex)) == expected


def test_two_unbounded_sums_over_one_index_share_their_range():
    e = parse(r"\sum_i a_i - \sum_{i} a_i")
    assert e == 0  # the same range, so the same sum


def test_an_unbounded_range_is_a_positive_integer():
    (_, lo, hi), = parse(r"\sum_i a_i").limits
    assert lo == 1 and hi.is_integer and hi.is_positive and hi.name == "N_i"


@pytest.mark.parametrize("latex", [
    r"\sum_{i+1} a_i",  # not an index alone
    r"\sum_{2} a_i",
    r"\sum_{x \in} a_i",
    r"\sum_i",  # no summand
    r"\prod_{i, k} a_i",
])
def test_other_subscripts_of_a_sum_are_still_refused(latex):
    with pytest.raises(ParseError):
        parse(latex)


SUMS_DOC = r"""# Sums over every sample

For labels $y_i$ and predictions $\hat{y}_i$ the two weighted sums are not the same thing:

$$\sum_i y_i \log \hat{y}_i = \sum_{i} \hat{y}_i \log y_i$$

A sum splits over a sum of terms:

$$\sum_i (a_i + b_i) = \sum_i a_i + \sum_i b_i$$

but a sum of products is not the product of the sums:

$$\sum_i a_i b_i = \left(\sum_i a_i\right) \left(\sum_i b_i\right)$$

The gap between cross-entropy and entropy:

$$-\sum_x p(x)\log q(x) + \sum_x p(x) \log p(x) = \sum_x p(x) \log\frac{p(x)}{q(x)}$$

$$\sum_{x \in \mathcal{X}} p(x) \log \frac{p(x)}{q(x)} = D_{KL}(p \| q)$$

and the divergence is not symmetric:

$$D_{KL}(p \| q) = \sum_{x} q(x) \log \frac{q(x)}{p(x)}$$

A distribution sums to one, and its logarithms are negative:

$$\sum_x p(x) = 1$$

$$\prod_{i} (2 a_i) = \prod_i a_i$$
"""


def test_check_doc_on_unbounded_sums(tmp_path):
    assert statuses(tmp_path, SUMS_DOC) == [
        "refuted", "verified", "refuted", "verified", "verified", "refuted", "verified",
        "refuted"]


SUMS_TEX = r"""\documentclass{article}
\begin{document}
% xentsym: p: distribution
% xentsym: c_k > 0
The entropy is an expectation of the information content,
\begin{equation}
H(p) = -\sum_{i} p_i \log p_i = \sum_i p_i \log \frac{1}{p_i}
\end{equation}
while the sum of the logarithms is the logarithm of the product, not of the sum:
\begin{align}
\sum_k \log c_k &= \log \prod_k c_k \\
\sum_k \log c_k &= \log \sum_k c_k
\end{align}
\end{document}
"""


def test_check_doc_on_unbounded_sums_in_latex(tmp_path):
    assert statuses(tmp_path, SUMS_TEX, "notes.tex") == ["verified", "verified", "verified",
                                                         "refuted"]


DECLARED_RANGE = r"""Before anything is said about r, an unbounded sum of its entries is any number:

$$\sum_i r_i = 1$$

<!-- xentsym: r: distribution over K -->

Once r is a distribution over K classes, its entries sum to one, their squares do not:

$$\sum_i r_i = 1$$

$$\sum_{i} r_i^2 = 1$$
"""


def test_an_unbounded_sum_takes_the_declared_size_of_its_family(tmp_path):
    assert statuses(tmp_path, DECLARED_RANGE) == ["refuted", "verified", "refuted"]
