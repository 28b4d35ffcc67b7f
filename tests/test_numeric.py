"""The vectorised compiler (xentsym.check.compile) and the numeric checks against plain NumPy."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from scipy import stats

from xentsym import notation as nt
from xentsym.check import numeric
from xentsym.conditions import using_scope
from xentsym.check.compile import Env, NumericError, evaluate
from xentsym.errors import XentsymError
from xentsym.functions import CrossEntropy, Entropy, KLDivergence
from xentsym.notation import (LECTURE, K, N, beta, i, k, n, p, p_success, q, x, y, y_onehot,
                              yhat, yhat_rows)

S = 7  # samples per batch


@pytest.fixture()
def rng():
    return np.random.default_rng(20240611)


def dirichlet(rng, shape):
    return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])


def labels(rng, shape):
    return rng.integers(0, 2, size=shape).astype(float)


# --- the compiler --------------------------------------------------------------------------

@pytest.mark.parametrize("size", [1, 2, 5, 40])
def test_sum_over_a_family(rng, size):
    P, Q = dirichlet(rng, (S, size)), dirichlet(rng, (S, size))
    env = Env(S, families={p: P, q: Q}, sizes={n: size})
    got = evaluate(sp.Sum(p[i] * sp.log(q[i]), (i, 1, n)), env)
    assert got.shape == (S,)
    np.testing.assert_allclose(got, np.sum(P * np.log(Q), axis=1), rtol=1e-12)


def test_sum_with_offset_limits_and_the_index_in_the_body(rng):
    P = dirichlet(rng, (S, 6))
    env = Env(S, families={p: P}, sizes={n: 6})
    got = evaluate(sp.Sum(i * p[i], (i, 2, n)), env)
    np.testing.assert_allclose(got, (np.arange(2, 7) * P[:, 1:]).sum(axis=1), rtol=1e-12)
    got = evaluate(sp.Sum(p[i] * p[n + 1 - i], (i, 1, n)), env)
    np.testing.assert_allclose(got, (P * P[:, ::-1]).sum(axis=1), rtol=1e-12)


def test_empty_sum_and_product(rng):
    env = Env(S, families={p: dirichlet(rng, (S, 3))}, sizes={n: 3})
    np.testing.assert_array_equal(evaluate(sp.Sum(p[i], (i, 1, 0)), env), np.zeros(S))
    np.testing.assert_array_equal(evaluate(sp.Product(p[i], (i, 3, 2)), env), np.ones(S))


def test_constant_body_and_constant_expression(rng):
    env = Env(S, sizes={n: 9})
    np.testing.assert_array_equal(evaluate(sp.Sum(1, (i, 1, n)), env), np.full(S, 9.0))
    np.testing.assert_array_equal(evaluate(sp.Integer(3) / 4, env), np.full(S, 0.75))


@pytest.mark.parametrize("NN, KK", [(1, 1), (3, 2), (4, 5), (17, 3)])
def test_nested_sums(rng, NN, KK):
    Y = np.eye(KK)[rng.integers(0, KK, size=(S, NN))]
    P = dirichlet(rng, (S, NN, KK))
    env = Env(S, families={y_onehot: Y, yhat_rows: P}, sizes={N: NN, K: KK})
    truth = np.sum(Y * np.log(P), axis=(1, 2))
    nested = sp.Sum(sp.Sum(y_onehot[i, k] * sp.log(yhat_rows[i, k]), (k, 1, K)), (i, 1, N))
    multi = sp.Sum(y_onehot[i, k] * sp.log(yhat_rows[i, k]), (k, 1, K), (i, 1, N))
    np.testing.assert_allclose(evaluate(nested, env), truth, rtol=1e-12)
    np.testing.assert_allclose(evaluate(multi, env), truth, rtol=1e-12)
    # the indices themselves, asymmetrically: sum_i sum_k i * k^2 * P[i, k]
    weights = np.arange(1, NN + 1)[:, None] * (np.arange(1, KK + 1) ** 2)[None, :]
    weighted = sp.Sum(sp.Sum(i * k**2 * yhat_rows[i, k], (k, 1, K)), (i, 1, N))
    np.testing.assert_allclose(evaluate(weighted, env), np.sum(weights * P, axis=(1, 2)),
                               rtol=1e-12)
    # the mean over samples of the multiclass loss
    loss = -nested / N
    np.testing.assert_allclose(evaluate(loss, env), -truth / NN, rtol=1e-12)


def test_inner_sum_using_the_outer_index_in_its_body(rng):
    P = dirichlet(rng, (S, 4))
    env = Env(S, families={p: P}, sizes={n: 4})
    expr = sp.Sum(p[i] * sp.Sum(k * p[k], (k, 1, n)) / i, (i, 1, n))
    truth = (P / np.arange(1, 5)).sum(axis=1) * (np.arange(1, 5) * P).sum(axis=1)
    np.testing.assert_allclose(evaluate(expr, env), truth, rtol=1e-12)


def test_triangular_sum_is_right_or_refused(rng):
    """An inner limit that depends on the outer index: a right answer or a clear error."""
    P = dirichlet(rng, (S, 5))
    env = Env(S, families={p: P}, sizes={n: 5})
    try:
        got = evaluate(sp.Sum(sp.Sum(p[k], (k, 1, i)), (i, 1, n)), env)
    except NumericError:
        return
    np.testing.assert_allclose(got, np.cumsum(P, axis=1).sum(axis=1), rtol=1e-12)


@pytest.mark.parametrize("size", [1, 2, 6, 30])
def test_products(rng, size):
    Y = labels(rng, (S, size))
    B = rng.uniform(0.05, 0.95, size=S)
    env = Env(S, scalars={beta: B}, families={y: Y}, sizes={N: size})
    expr = sp.Product(beta ** y[i] * (1 - beta) ** (1 - y[i]), (i, 1, N))
    truth = np.prod(B[:, None] ** Y * (1 - B[:, None]) ** (1 - Y), axis=1)
    np.testing.assert_allclose(evaluate(expr, env), truth, rtol=1e-12)
    np.testing.assert_allclose(evaluate(sp.log(expr), env), np.log(truth), rtol=1e-10)


def test_indexed_families_with_fixed_and_size_indices(rng):
    P = dirichlet(rng, (S, 4))
    Y = np.eye(3)[rng.integers(0, 3, size=(S, 5))]
    env = Env(S, families={p: P, y_onehot: Y}, sizes={n: 4, N: 5, K: 3})
    np.testing.assert_allclose(evaluate(p[1] + 2 * p[n], env), P[:, 0] + 2 * P[:, 3])
    np.testing.assert_allclose(evaluate(sp.Sum(y_onehot[i, 2], (i, 1, N)), env),
                               Y[:, :, 1].sum(axis=1))
    np.testing.assert_allclose(evaluate(y_onehot[N, K], env), Y[:, 4, 2])


def test_scalars_broadcast_against_sums(rng):
    P = dirichlet(rng, (S, 3))
    B = rng.uniform(0.1, 0.9, size=S)
    env = Env(S, scalars={beta: B}, families={p: P}, sizes={n: 3})
    expr = beta * sp.Sum(p[i] ** 2, (i, 1, n)) + sp.log(1 - beta)
    np.testing.assert_allclose(evaluate(expr, env), B * (P**2).sum(1) + np.log(1 - B))


def test_piecewise(rng):
    X, PP = labels(rng, 50), rng.uniform(0.01, 0.99, 50)
    env = Env(50, scalars={x: X, p_success: PP})
    pmf = sp.Piecewise((p_success, sp.Eq(x, 1)), (1 - p_success, sp.Eq(x, 0)))
    np.testing.assert_allclose(evaluate(pmf, env), np.where(X == 1, PP, 1 - PP), rtol=1e-15)
    otherwise = sp.Piecewise((p_success**2, sp.Eq(x, 1)), (sp.log(p_success), True))
    np.testing.assert_allclose(evaluate(otherwise, env),
                               np.where(X == 1, PP**2, np.log(PP)), rtol=1e-14)


def test_piecewise_inside_a_sum(rng):
    Y, H = labels(rng, (S, 9)), rng.uniform(0.01, 0.99, (S, 9))
    env = Env(S, families={y: Y, yhat: H}, sizes={N: 9})
    expr = sp.Sum(sp.Piecewise((sp.log(yhat[i]), sp.Eq(y[i], 1)), (sp.log(1 - yhat[i]), True)),
                  (i, 1, N))
    truth = np.where(Y == 1, np.log(H), np.log(1 - H)).sum(axis=1)
    np.testing.assert_allclose(evaluate(expr, env), truth, rtol=1e-12)


def test_named_quantities_unfold(rng):
    P, Q = dirichlet(rng, (S, 5)), dirichlet(rng, (S, 5))
    env = Env(S, families={p: P, q: Q}, sizes={n: 5})
    np.testing.assert_allclose(evaluate(Entropy(p), env), stats.entropy(P, axis=1), rtol=1e-10)
    np.testing.assert_allclose(evaluate(KLDivergence(p, q), env), stats.entropy(P, Q, axis=1),
                               rtol=1e-10)
    np.testing.assert_allclose(evaluate(CrossEntropy(p, q) - Entropy(p), env),
                               stats.entropy(P, Q, axis=1), rtol=1e-9)


def test_a_sum_of_100000_terms(rng):
    big = 100_000
    Y, H = labels(rng, (2, big)), rng.uniform(1e-6, 1 - 1e-6, (2, big))
    env = Env(2, families={y: Y, yhat: H}, sizes={N: big})
    expr = -sp.Sum(y[i] * sp.log(yhat[i]) + (1 - y[i]) * sp.log(1 - yhat[i]), (i, 1, N)) / N
    truth = -np.mean(Y * np.log(H) + (1 - Y) * np.log(1 - H), axis=1)
    np.testing.assert_allclose(evaluate(expr, env), truth, rtol=1e-10)
    basel = evaluate(sp.Sum(1 / i**2, (i, 1, N)), env)
    np.testing.assert_allclose(basel, np.sum(1.0 / np.arange(1, big + 1) ** 2), rtol=1e-12)
    assert abs(basel[0] - math.pi**2 / 6) < 2e-5


@pytest.mark.parametrize("expr, env_kwargs", [
    (sp.Sum(q[i], (i, 1, n)), {"families": {p: np.full((2, 3), 1 / 3)}, "sizes": {n: 3}}),
    (beta + 1, {}),
    (sp.Sum(p[i], (i, 1, n + 1)), {"families": {p: np.full((2, 3), 1 / 3)}, "sizes": {n: 3}}),
    (sp.Sum(p[i], (i, 1, N)), {"families": {p: np.full((2, 3), 1 / 3)}, "sizes": {n: 3}}),
    (p[i], {"families": {p: np.full((2, 3), 1 / 3)}, "sizes": {n: 3}}),
])
def test_what_cannot_be_evaluated_is_a_numeric_error(expr, env_kwargs):
    with pytest.raises(NumericError) as info:
        evaluate(expr, Env(2, **env_kwargs))
    assert isinstance(info.value, XentsymError)


# --- the numeric checks ------------------------------------------------------------------------

def _kl():
    return sp.Sum(p[i] * sp.log(p[i] / q[i]), (i, 1, n))


def _bce_sum(prob=yhat):
    return sp.Sum(y[i] * sp.log(prob[i]) + (1 - y[i]) * sp.log(1 - prob[i]), (i, 1, N))


def test_check_equal_passes_a_true_identity():
    rhs = -sp.Sum(p[i] * sp.log(q[i]), (i, 1, n)) + sp.Sum(p[i] * sp.log(p[i]), (i, 1, n))
    res = numeric.check_equal(_kl(), rhs, LECTURE, samples=500, seed=3)
    assert res.status == "passed"
    assert res.samples >= 500
    assert res.counterexample is None


def test_check_equal_uses_the_simplex():
    # true only because a distribution sums to 1
    res = numeric.check_equal(sp.Sum(p[i], (i, 1, n)), sp.Integer(1), LECTURE, 300, 0)
    assert res.status == "passed"


def test_check_equal_refutes_with_a_genuine_witness():
    wrong = sp.Sum(p[i] * (sp.log(p[i]) + sp.log(q[i])), (i, 1, n))
    res = numeric.check_equal(_kl(), wrong, LECTURE, samples=500, seed=0)
    assert res.status == "failed"
    ce = res.counterexample
    assert ce is not None and set(ce) >= {"values", "lhs", "rhs"}
    P, Q = np.array(ce["values"]["p"]), np.array(ce["values"]["q"])
    assert P.shape == Q.shape and ce["values"]["n"] == len(P)
    assert P.sum() == pytest.approx(1.0) and Q.sum() == pytest.approx(1.0)
    # recompute both sides from the witness
    assert ce["lhs"] == pytest.approx(float(np.sum(P * np.log(P / Q))), rel=1e-9, abs=1e-12)
    assert ce["rhs"] == pytest.approx(float(np.sum(P * (np.log(P) + np.log(Q)))), rel=1e-9,
                                      abs=1e-12)
    assert not math.isclose(ce["lhs"], ce["rhs"], rel_tol=1e-8, abs_tol=1e-8)


def test_check_equal_on_labels_and_cases():
    power = p_success**x * (1 - p_success) ** (1 - x)
    right = sp.Piecewise((p_success, sp.Eq(x, 1)), (1 - p_success, sp.Eq(x, 0)))
    swapped = sp.Piecewise((1 - p_success, sp.Eq(x, 1)), (p_success, sp.Eq(x, 0)))
    assert numeric.check_equal(power, right, LECTURE, 200, 0).status == "passed"
    res = numeric.check_equal(power, swapped, LECTURE, 200, 0)
    assert res.status == "failed"
    values = res.counterexample["values"]
    assert values["x"] in (0.0, 1.0)
    pp = values["p"]
    expected = pp if values["x"] == 1 else 1 - pp
    assert res.counterexample["lhs"] == pytest.approx(expected)
    assert res.counterexample["rhs"] == pytest.approx(1 - expected)


def test_check_equal_is_reproducible_for_a_seed():
    wrong = sp.Sum(p[i] * sp.log(q[i] / p[i]), (i, 1, n))
    a = numeric.check_equal(_kl(), wrong, LECTURE, 300, seed=11)
    b = numeric.check_equal(_kl(), wrong, LECTURE, 300, seed=11)
    assert a.status == "failed" and a == b


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_check_equal_catches_a_small_coefficient_error(seed):
    bce = -_bce_sum() / N
    slightly = -_bce_sum() * sp.Rational(1001, 1000) / N
    assert numeric.check_equal(bce, slightly, LECTURE, 400, seed).status == "failed"


def test_check_ranking_accepts_scaling_and_negation():
    mean = -_bce_sum() / N
    assert numeric.check_ranking(mean, -_bce_sum(), +1, (yhat,), LECTURE, 500, 0).status \
        == "passed"
    assert numeric.check_ranking(mean, _bce_sum(), -1, (yhat,), LECTURE, 500, 0).status \
        == "passed"
    # adding a term free of the parameters does not move the optimum
    shifted = -_bce_sum() + sp.Sum(y[i], (i, 1, N)) * 7
    assert numeric.check_ranking(mean, shifted, +1, (yhat,), LECTURE, 500, 0).status \
        == "passed"


def _bce_of(values: dict) -> float:
    Y, H = np.array(values["y"]), np.array(values["yhat"])
    return float(-np.mean(Y * np.log(H) + (1 - Y) * np.log(1 - H)))


def test_check_ranking_refutes_a_sign_error_with_a_genuine_witness():
    mean = -_bce_sum() / N
    res = numeric.check_ranking(mean, _bce_sum(), +1, (yhat,), LECTURE, 500, 0)
    assert res.status == "failed"
    ce = res.counterexample
    assert set(ce) >= {"data", "candidate_a", "candidate_b", "before", "after"}
    a, b = ce["candidate_a"], ce["candidate_b"]
    assert a["y"] == b["y"] == ce["data"]["y"]  # same data, different parameters
    assert a["yhat"] != b["yhat"]
    assert ce["before"] == pytest.approx([_bce_of(a), _bce_of(b)], rel=1e-9)
    (fa, fb), (ga, gb) = ce["before"], ce["after"]
    assert np.sign(fa - fb) != np.sign(ga - gb)


def test_check_ranking_refutes_dropping_a_parameter_term():
    partial = -sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N))
    res = numeric.check_ranking(-_bce_sum() / N, partial, +1, (yhat,), LECTURE, 500, 0)
    assert res.status == "failed"
    assert res.counterexample is not None


def test_check_ranking_over_a_distribution():
    kl = KLDivergence(p, q)
    assert numeric.check_ranking(kl, CrossEntropy(p, q), +1, (q,), LECTURE, 400, 0).status \
        == "passed"
    res = numeric.check_ranking(kl, CrossEntropy(q, p), +1, (q,), LECTURE, 400, 0)
    assert res.status == "failed" and res.counterexample is not None


def test_check_at_most_gibbs_inequality():
    assert numeric.check_at_most(Entropy(p), CrossEntropy(p, q), LECTURE, 400, 0).status \
        == "passed"
    res = numeric.check_at_most(CrossEntropy(p, q), Entropy(p), LECTURE, 400, 0)
    assert res.status == "failed"
    assert res.counterexample["lhs"] > res.counterexample["rhs"]


def test_scalar_p_next_to_the_family_p():
    # p * sum_i p(x_i) = p, since a distribution sums to 1
    res = numeric.check_equal(p_success * sp.Sum(p[i], (i, 1, n)), p_success, LECTURE, 200, 0)
    assert res.status == "passed", res.message


def test_family_p_and_scalar_p_are_different_objects():
    assert p is not p_success and p != p_success
    assert nt.q != nt.q_failure


def test_substituting_the_scalar_q_leaves_the_family_q_alone():
    from xentsym.rules import substitute
    expr = sp.Sum(q[i], (i, 1, n))
    assert substitute(expr, ((nt.q_failure, 1 - p_success),)) == expr


def test_verified_needs_a_numeric_pass_not_just_no_witness():
    """A step the numbers could not evaluate is unproven even when the symbols agree."""

    from xentsym import Derivation
    from xentsym.check.numeric import NumericResult
    from xentsym.check.symbolic import SymbolicResult
    from xentsym.notation import beta
    from xentsym.verify import StepResult

    d = Derivation("t", "t", beta)
    d.claim(beta, "same")
    step = d.steps[0]
    blind = NumericResult("failed", 0, None, "cannot evaluate")
    assert StepResult(step, SymbolicResult("proved"), blind, 0.0).status == "unproven"
    passed = NumericResult("passed", 1000)
    assert StepResult(step, SymbolicResult("proved"), passed, 0.0).status == "verified"
    witness = NumericResult("failed", 10, {"values": {}, "lhs": 0.0, "rhs": 1.0})
    assert StepResult(step, SymbolicResult("proved"), witness, 0.0).status == "refuted"


def test_a_chains_next_step_reuses_the_side_it_starts_with(monkeypatch):
    # step 1: a = b, step 2: b = c. Step 2 draws the same batches, so its left side b is
    # not evaluated again; a side on other arrays (another seed) is.
    a = sp.log(p_success ** 2)
    b = 2 * sp.log(p_success)
    c = sp.log(p_success ** 3) - sp.log(p_success)
    evaluated = []
    real = numeric._evaluate
    monkeypatch.setattr(numeric, "_evaluate",
                        lambda e, env: evaluated.append(e) or real(e, env))
    numeric._SEEN_VALUES.clear()
    first = numeric.check_equal(a, b, LECTURE, 500, 7)
    count = len(evaluated)
    second = numeric.check_equal(b, c, LECTURE, 500, 7)
    again = evaluated[count:]
    third = numeric.check_equal(b, c, LECTURE, 500, 8)
    assert first.status == second.status == third.status == "passed"
    with using_scope(LECTURE):
        prepared = numeric._prepare(b)
    assert prepared in evaluated[:count] and again and prepared not in again  # c only
    assert prepared in evaluated[count + len(again):]  # another seed: b again


def test_a_right_side_that_cannot_be_evaluated_where_the_left_is_undefined():
    # i = 1: the left side is 0/0 (unusable) and x_0 does not exist on the right; the right
    # side is evaluated on every sample for the next step's sake, but that must not cost
    # this step its verdict
    from xentsym.domains import INDEX, REAL, SIZE
    from xentsym.notation import Declaration, Scope
    ii, kk = sp.Symbol("i", integer=True, positive=True), sp.Symbol("k", integer=True, positive=True)
    xx, nn = sp.IndexedBase("x", real=True), sp.Symbol("n", integer=True, positive=True)
    scope = Scope([Declaration(xx, REAL, (nn,)), Declaration(ii, INDEX, (nn,)),
                   Declaration(nn, SIZE)])
    lhs = sp.Sum(xx[kk], (kk, 1, ii - 1)) / sp.sqrt(ii - 1)
    rhs = (xx[ii - 1] + sp.Sum(xx[kk], (kk, 1, ii - 2))) / sp.sqrt(ii - 1)
    numeric._SEEN_VALUES.clear()
    res = numeric.check_equal(lhs, rhs, scope, 500, 0)
    assert res.status == "passed" and res.discarded > 0
