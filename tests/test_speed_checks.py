"""The shortcuts taken for speed keep the checks' answers: settled cases, stable floats, memos."""
import numpy as np
import pytest
import sympy as sp
from scipy.special import expit

from xentsym.check.calculus import _settle_stated, collapse_delta_sums
from xentsym.check.compile import Env, evaluate

j, d, k = sp.symbols("j d k", integer=True, positive=True)
x = sp.Symbol("x")


def test_a_case_the_facts_state_is_settled_in_either_orientation():
    facts = [sp.Q.ge(j, 1) & sp.Q.le(j, d)]
    for cond in (d >= j, sp.Le(j, d, evaluate=False)):
        assert _settle_stated(sp.Piecewise((x, cond), (0, True)), facts) == x


@pytest.mark.parametrize("cond", [d > j, d >= k, j >= 2, sp.Eq(j, d)])
def test_a_case_the_facts_do_not_state_is_left_alone(cond):
    pw = sp.Piecewise((x, cond), (0, True))
    assert _settle_stated(pw, [sp.Q.ge(j, 1) & sp.Q.le(j, d)]) == pw


def test_collapsing_a_delta_sum_gives_what_refine_gives():
    w = sp.IndexedBase("w")
    e = sp.Sum(sp.KroneckerDelta(j, k) * w[k], (k, 1, d))
    facts = [sp.Q.ge(j, 1) & sp.Q.le(j, d)]
    assert collapse_delta_sums(e, facts) == w[j]
    assert collapse_delta_sums(e, facts) == sp.refine(e.doit(), sp.And(*facts))


def _floats(expr, z):
    sym = expr.free_symbols.pop()
    return evaluate(expr, Env(len(z), {sym: np.asarray(z, float)}))


def test_one_minus_sigmoid_keeps_its_digits_at_large_z():
    # 1 - sigmoid(z) = sigmoid(-z); the plain float64 form is 0 from z = 37 on and off in
    # the sixth digit at z = 23.
    z = sp.Symbol("z", real=True)
    z_values = np.array([-800.0, -30.0, -1.0, 0.0, 0.5, 23.1, 40.0, 300.0, 700.0])
    got = _floats(1 - 1 / (1 + sp.exp(-z)), z_values)
    np.testing.assert_allclose(got, expit(-z_values), rtol=1e-14, atol=0)


def test_the_sigmoid_cross_entropy_gradient_is_finite_where_the_plain_form_divides_by_zero():
    # d/dz of -(Y log s + (1 - Y) log(1 - s)) with s = sigmoid(z), as the derivation's
    # sides write it; the gradient is s - Y (hand-derived), here at Y = 0.
    z = sp.Symbol("z", real=True)
    u = sp.exp(-z)
    side = u / ((1 - 1 / (1 + u)) * (1 + u) ** 2)
    z_values = np.array([0.3, 23.1, 40.0, 200.0])
    np.testing.assert_allclose(_floats(side, z_values), expit(z_values), rtol=1e-12)
