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
from xentsym.functions import CrossEntropy, Entropy, KLDivergence
from xentsym.parse import parse, parse_objective

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


DECLARED_RANGE = r"""Before anything is said about r, how many entries the sum has is not known:

$$\sum_i r_i = 1$$

<!-- xentsym: r: distribution over K -->

Once r is a distribution over K classes, its entries sum to one, their squares do not:

$$\sum_i r_i = 1$$

$$\sum_{i} r_i^2 = 1$$
"""


def test_an_unbounded_sum_takes_the_declared_size_of_its_family(tmp_path):
    # the first step depends on the length of a sum without bounds: neither refuted nor
    # verified; once r is declared over K the sum runs over K entries
    assert statuses(tmp_path, DECLARED_RANGE) == ["unproven", "verified", "refuted"]


# ----------------------------------------------------------------------------- 2. KL, H, CE

pd, qd = nt.p, nt.q  # the distributions p(x_i), q(x_i)
P, Q = sp.IndexedBase("P", real=True), sp.IndexedBase("Q", real=True)

QUANTITY_SPELLINGS = [
    (r"\mathrm{KL}(p\|q)", KLDivergence(pd, qd)),
    (r"\operatorname{KL}(p \| q)", KLDivergence(pd, qd)),
    (r"KL(p||q)", KLDivergence(pd, qd)),
    (r"D_{\mathrm{KL}}(p \,\|\, q)", KLDivergence(pd, qd)),
    (r"D_{\text{KL}}(q \| p)", KLDivergence(qd, pd)),
    (r"D_{KL}(P \parallel Q)", KLDivergence(P, Q)),
    (r"\mathbb{H}(p)", Entropy(pd)),
    (r"H(p)", Entropy(pd)),
    (r"H(p, q)", CrossEntropy(pd, qd)),
    (r"H(P, Q)", CrossEntropy(P, Q)),
    (r"\mathrm{CE}(p, q)", CrossEntropy(pd, qd)),
    (r"\mathrm{KL}(p \| q) + \mathbb{H}(p)", KLDivergence(pd, qd) + Entropy(pd)),
]


@pytest.mark.parametrize("latex,expected", QUANTITY_SPELLINGS,
                         ids=[s[0] for s in QUANTITY_SPELLINGS])
def test_spellings_of_kl_entropy_and_cross_entropy(latex, expected):
    assert parse(latex) == expected


def test_word_spellings_of_other_arguments_stay_functions():
    a_, b_ = sp.Symbol("a", real=True), sp.Symbol("b", real=True)
    assert parse(r"\mathrm{KL}(a \| b)") == sp.Function("KL", real=True)(a_, b_)
    assert parse(r"\mathrm{CE}(a, b)") == sp.Function("CE", real=True)(a_, b_)


@pytest.mark.parametrize("latex,message", [
    (r"\mathbb{H}", r"\mathbb{H}"),  # only applied
    (r"\mathbb{E}(x)", r"\mathbb"),  # expectations are still refused
    (r"D_{\mathrm{KL}}(a \| b)", "two distributions"),
    (r"\mathbb{H}(a + b)", "H(...)"),
])
def test_quantity_spellings_that_are_still_refused(latex, message):
    with pytest.raises(ParseError) as info:
        parse(latex)
    assert message in info.value.message


def test_p_of_x_inside_a_sum_over_x_is_an_entry_of_the_distribution():
    assert parse(r"\sum_x P(x) \log Q(x)") == sp.Sum(P[xi] * log(Q[xi]), (xi, 1, n))
    # P(D | beta) and P(Y = y_i | beta) stay the likelihood functions of the lecture
    beta, D = sp.Symbol("beta", real=True), sp.Symbol("D", real=True)
    assert parse(r"P(D | \beta)", plain=True) == sp.Function("P", real=True)(D, beta)
    # outside a sum over x, P(x) is a function of x, as before
    assert parse(r"P(x)", plain=True) == sp.Function("P", real=True)(sp.Symbol("x", real=True))


QUANTITIES_DOC = r"""# Divergence, several spellings

<!-- xentsym: p, q: distributions -->

The divergence is what the cross-entropy adds to the entropy:

$$\mathrm{KL}(p\|q) = H(p, q) - H(p)$$

$$\operatorname{KL}(p \| q) = \mathrm{CE}(p, q) - \mathbb{H}(p)$$

$$KL(p||q) = D_{\mathrm{KL}}(p \,\|\, q)$$

It is not symmetric, and the entropy to add is that of p:

$$\mathrm{KL}(p \| q) = \mathrm{KL}(q \| p)$$

$$\mathrm{CE}(p, q) = \mathbb{H}(q) + D_{KL}(p \| q)$$

With capital letters, as a sum over the outcomes:

$$D_{KL}(P \parallel Q) = \sum_x P(x) \log \frac{P(x)}{Q(x)}$$

$$D_{KL}(P \parallel Q) = \sum_x Q(x) \log \frac{Q(x)}{P(x)}$$
"""


def test_check_doc_on_quantity_spellings(tmp_path):
    assert statuses(tmp_path, QUANTITIES_DOC) == [
        "verified", "verified", "verified", "refuted", "refuted", "verified", "refuted"]


# ----------------------------------------------------------------------------- 3. optimisers

theta = sp.Symbol("theta", real=True)
L = sp.Function("L", real=True)

OPTIMISERS = [
    (r"\arg\max_\theta L(\theta)", "max"),
    (r"\operatorname*{argmax}_\theta L(\theta)", "max"),
    (r"\operatorname{arg\,max}_\theta L(\theta)", "max"),
    (r"\underset{\theta}{\arg\max} L(\theta)", "max"),
    (r"\underset{\theta}{\operatorname{argmin}} L(\theta)", "min"),
    (r"\mathop{\mathrm{argmax}}_\theta L(\theta)", "max"),
    (r"\mathop{\arg\min}\limits_{\theta} L(\theta)", "min"),
    (r"\argmin_\theta L(\theta)", "min"),
]


@pytest.mark.parametrize("latex,sense", OPTIMISERS, ids=[o[0] for o in OPTIMISERS])
def test_spellings_of_arg_max_and_arg_min(latex, sense):
    obj = parse_objective(latex, plain=True)
    assert (obj.sense, obj.wrt, obj.expr) == (sense, (theta,), L(theta))


def test_underset_lists_several_parameters():
    w, b_ = sp.Symbol("w", real=True), sp.Symbol("b", real=True)
    obj = parse_objective(r"\underset{w, b}{\arg\min} J(w, b)", plain=True)
    assert obj.wrt == (w, b_) and obj.sense == "min"


@pytest.mark.parametrize("latex", [
    r"\underset{}{\arg\max} L(\theta)",  # nothing below
    r"\mathop{\mathrm{argmax}} L(\theta)",  # no subscript
    r"\underset{\theta}{\max} L(\theta)",  # a value, not an optimiser
    r"\mathop{\mathrm{argmax} x}_\theta L(\theta)",
])
def test_optimiser_spellings_that_are_still_refused(latex):
    with pytest.raises(ParseError):
        parse_objective(latex, plain=True)


OPTIMISERS_DOC = r"""# Fitting by likelihood

Maximising the log-likelihood is minimising the cross-entropy:

$$\theta_a = \arg\max_\theta \sum_i y_i \log \hat{y}_i + (1 - y_i) \log(1 - \hat{y}_i) = \underset{\theta}{\arg\min} -\sum_i \left(y_i \log \hat{y}_i + (1 - y_i) \log(1 - \hat{y}_i)\right)$$

A positive factor changes nothing:

$$\theta_b = \operatorname*{argmax}_\theta \sum_{i} y_i \log \hat{y}_i = \mathop{\mathrm{argmax}}_\theta 2 \sum_i y_i \log \hat{y}_i$$

but swapping the roles of label and prediction does, and so does flipping the sense alone:

$$\theta_c = \underset{\theta}{\operatorname{argmin}} \sum_{i} y_i \log \hat{y}_i = \argmin_\theta \sum_i \hat{y}_i \log y_i$$

$$\theta_d = \underset{\theta}{\arg\max} \sum_{i} y_i \log \hat{y}_i = \argmin_\theta \sum_i y_i \log \hat{y}_i$$
"""


def test_check_doc_on_optimiser_spellings(tmp_path):
    assert statuses(tmp_path, OPTIMISERS_DOC) == [
        "defined", "verified", "defined", "verified", "defined", "refuted", "defined",
        "refuted"]


# ----------------------------------------------------------------------------- 4. Leibniz

w = sp.Symbol("w", real=True)
z = sp.IndexedBase(nt.Label("z", real=True), real=True)  # a family of a document
LEIBNIZ = [
    (r"\frac{\partial L}{\partial w}", sp.Derivative(sp.Symbol("L", real=True), w)),
    (r"\frac{\partial \ell}{\partial z_k}", sp.Derivative(sp.Symbol("ell", real=True), z[k])),
    (r"\frac{d J}{d \theta}", sp.Derivative(sp.Symbol("J", real=True), theta)),
    (r"\frac{\mathrm{d} J}{\mathrm{d} \theta}", sp.Derivative(sp.Symbol("J", real=True), theta)),
    (r"\frac{\partial^2 L}{\partial w^2}", sp.Derivative(sp.Symbol("L", real=True), (w, 2))),
    (r"\frac{d L(w)}{d w}", sp.Derivative(L(w), w)),
    (r"\frac{dy}{dx}", sp.Derivative(sp.Symbol("y", real=True), sp.Symbol("x", real=True))),
    # one factor: what follows multiplies it
    (r"\frac{\partial L}{\partial w} w", w * sp.Derivative(sp.Symbol("L", real=True), w)),
    (r"2 \frac{d J}{d \theta} + 1", 2 * sp.Derivative(sp.Symbol("J", real=True), theta) + 1),
]


@pytest.mark.parametrize("latex,expected", LEIBNIZ, ids=[d[0] for d in LEIBNIZ])
def test_leibniz_fractions_are_derivatives_of_their_numerator(latex, expected):
    assert parse(latex, plain=True) == expected


def test_the_operator_form_still_takes_the_product_after_it():
    x = sp.Symbol("x", real=True)
    assert parse(r"\frac{d}{d x} 2 x", plain=True) == sp.Derivative(2 * x, x)
    assert parse(r"\frac{d^2}{d x^2} x^3", plain=True) == sp.Derivative(x ** 3, (x, 2))


def test_a_numerator_that_is_more_than_a_name_is_differentiated_whole():
    # the fraction groups its numerator: d(ab)/dx, never (da/dx) b
    x, a, b = (sp.Symbol(s, real=True) for s in "xab")
    L, M = sp.Symbol("L", real=True), sp.Symbol("M", real=True)
    assert parse(r"\frac{d a b}{d x}", plain=True) == sp.Derivative(a * b, x)
    assert parse(r"\frac{d (x^2)}{d x}", plain=True).doit() == 2 * x
    assert parse(r"\frac{d \log x}{d x}", plain=True).doit() == 1 / x
    assert parse(r"\frac{\partial L + M}{\partial w}", plain=True) == \
        sp.Derivative(L + M, w)
    assert parse(r"\frac{\partial 2 L}{\partial w}", plain=True) == sp.Derivative(2 * L, w)
    assert parse(r"\frac{d^2 (x^3)}{d x^2}", plain=True).doit() == 6 * x
    # braces around the numerator or the variable only group
    theta = sp.Symbol("theta", real=True)
    assert parse(r"\frac{\partial{L}}{\partial{\theta}}", plain=True) == \
        sp.Derivative(L, theta)


@pytest.mark.parametrize("latex,message", [
    (r"\frac{d -x}{d x}", "derivative"),  # a signed numerator
    (r"\frac{d e}{d x}", "one name"),  # a constant, not a name
    (r"\frac{\partial^2 L}{\partial w}", "order"),
    (r"\frac{\partial L}{\partial (w + 1)}", "variable"),
])
def test_leibniz_fractions_that_are_still_refused(latex, message):
    with pytest.raises(ParseError) as info:
        parse(latex, plain=True)
    assert message in info.value.message


LEIBNIZ_DOC = r"""# Gradients of a squared loss

Take the loss of one weight:

$$L = (w x - t)^2$$

Its slope and its curvature:

$$\frac{\partial L}{\partial w} = 2 x (w x - t)$$

$$\frac{\partial^2 L}{\partial w^2} = 2 x^2$$

Dropping the factor 2 is a mistake:

$$\frac{d L}{d w} = x (w x - t)$$

A function of the weight, and its derivative:

$$J(\theta) = \theta^3 - \theta$$

$$\frac{d J(\theta)}{d \theta} = 3 \theta^2 - 1$$

$$\frac{d J(\theta)}{d \theta} = 3 \theta^2$$
"""


def test_check_doc_on_leibniz_fractions(tmp_path):
    assert statuses(tmp_path, LEIBNIZ_DOC) == [
        "defined", "verified", "verified", "refuted", "defined", "verified", "refuted"]


# ----------------------------------------------------------------------------- soundness

TRAPS_DOC = r"""# False claims in the new notation

$$D_{KL}(P \parallel Q) = D_{KL}(Q \parallel P)$$

$$\mathbb{H}(p) = \mathrm{CE}(p, q)$$

$$\sum_{i=1}^{N} a_i = \sum_{k=1}^{K} a_k$$

$$\sum_x p(x) \log p(x) = \sum_x p(x) \log q(x)$$

$$\prod_i a_i = \sum_i a_i$$

$$L = w^3$$

$$\frac{\partial L}{\partial w} = 2 w$$

$$\frac{\partial^2 L}{\partial w^2} = 3 w$$

$$\frac{dy}{dx} = 1$$
"""


def test_false_claims_in_the_new_notation_are_never_verified(tmp_path):
    got = statuses(tmp_path, TRAPS_DOC)
    assert "verified" not in got
    # false whatever the sizes: refuted with a counterexample
    assert [got[0], got[4], got[6], got[7]] == ["refuted"] * 4
