"""Two random variables: H(X, Y), H(Y | X), H(Y), I(X; Y) and the entries p(x, y), p(y | x)."""
import numpy as np
import pytest
import sympy as sp

from doc_statuses import statuses as _statuses
from xentsym.functions import Entropy, unfold_all
from xentsym.infotheory import (ConditionalEntropy, JointEntropy, MarginalEntropy,
                                MutualInformation, ReverseConditionalEntropy, RowEntropy,
                                conditional_family, entry)
from xentsym.parse import parse
from xentsym.read.lecture_preset import PLAIN_NAMES, index_symbol
from xentsym.read.ranges import RangeSize

P = PLAIN_NAMES.distributions["X"]
C = conditional_family(P)
X, Y = index_symbol("x"), index_symbol("y")
N = PLAIN_NAMES.scalars["n"]


def read(tex):
    return parse(tex, plain=True)


@pytest.mark.parametrize("tex, expected", [
    (r"H(X, Y)", JointEntropy(P, C)),
    (r"H(Y, X)", JointEntropy(P, C)),
    (r"H(Y \mid X)", ConditionalEntropy(P, C)),
    (r"H(Y|X)", ConditionalEntropy(P, C)),
    (r"H(X \mid Y)", ReverseConditionalEntropy(P, C)),
    (r"H(Y)", MarginalEntropy(P, C)),
    (r"I(X; Y)", MutualInformation(P, C)),
    (r"I(Y;X)", MutualInformation(P, C)),
    (r"H(X)", Entropy(P)),  # the lecture's H(X) = H(p) is unchanged
])
def test_quantities_of_two_variables(tex, expected):
    assert read(tex) == expected


def test_entries_inside_sums_over_x_and_y():
    body = entry(P, C, "joint", X, Y) * sp.log(entry(P, C, "given x", X, Y))
    assert read(r"\sum_x \sum_y p(x, y) \log p(y \mid x)") == \
        sp.Sum(body, (Y, 1, RangeSize("N_y")), (X, 1, N))
    assert read(r"\sum_x p(x) H(Y \mid X = x)") == sp.Sum(P[X] * RowEntropy(P, C, X), (X, 1, N))


def test_unbound_letters_keep_their_old_reading():
    assert read(r"p(y \mid x)") == sp.Function("p", real=True)(sp.Symbol("y", real=True),
                                                                sp.Symbol("x", real=True))
    assert read(r"I(x_0)") == read(r"I(p(x_0))")


def _numbers(expr, p, c):
    """expr with the families p (length n) and c (n x m) given as arrays."""
    n, m = c.shape
    unfolded = unfold_all(expr).subs({N: n, RangeSize("N_y"): m}).doit()
    values = {P[i + 1]: p[i] for i in range(n)}
    values.update({C[i + 1, j + 1]: c[i, j] for i in range(n) for j in range(m)})
    return float(unfolded.xreplace(values))


def test_unfoldings_match_the_definitions_on_numbers():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(3))
    c = rng.dirichlet(np.ones(2), size=3)
    joint = p[:, None] * c
    py = joint.sum(axis=0)

    def h(a):
        return float(-(a * np.log(a)).sum())

    assert _numbers(JointEntropy(P, C), p, c) == pytest.approx(h(joint))
    assert _numbers(MarginalEntropy(P, C), p, c) == pytest.approx(h(py))
    assert _numbers(ConditionalEntropy(P, C), p, c) == pytest.approx(h(joint) - h(p))
    assert _numbers(ReverseConditionalEntropy(P, C), p, c) == pytest.approx(h(joint) - h(py))
    mi = float((joint * np.log(joint / (p[:, None] * py[None, :]))).sum())
    assert _numbers(MutualInformation(P, C), p, c) == pytest.approx(mi)




def test_true_identities_verify(tmp_path):
    assert _statuses(tmp_path, [
        r"H(X, Y) = H(X) + H(Y \mid X)",
        r"H(X, Y) = H(Y) + H(X|Y)",
        r"I(X; Y) = H(X) - H(X \mid Y) = H(Y) - H(Y \mid X)",
        r"I(X;Y) = H(X) + H(Y) - H(X, Y)",
    ]) == ["verified"] * 5


def test_false_identities_are_refuted(tmp_path):
    statuses = _statuses(tmp_path, [
        r"H(X, Y) = H(X) + H(Y)",
        r"H(Y \mid X) = H(X \mid Y)",
        r"I(X; Y) = H(X) + H(Y) + H(X, Y)",
        r"H(X, Y) \le H(X) + H(Y \mid X) - 0.1",
    ])
    assert statuses == ["refuted"] * 4


def test_subadditivity_reversed_is_never_verified(tmp_path):
    assert _statuses(tmp_path, [r"H(X, Y) \ge H(X) + H(Y)"]) == ["refuted"]
