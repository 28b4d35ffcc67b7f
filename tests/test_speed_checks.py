"""Shortcuts taken for speed keep the checks' answers: settled cases, stable floats, memos."""
import math

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


# --- the slice that replaces a gather -------------------------------------------------------

i, m, N = sp.symbols("i m N", integer=True, positive=True)
X, W = sp.IndexedBase("X"), sp.IndexedBase("W")


def _env(rng, n_rows=4, n_cols=5, count=3):
    return Env(count, families={X: rng.normal(size=(count, n_rows, n_cols)),
                                W: rng.normal(size=(count, n_cols))},
               sizes={N: n_rows, d: n_cols})


@pytest.mark.parametrize("expr, truth", [
    (sp.Sum(X[i, m] * W[m], (m, 1, d), (i, 1, N)),
     lambda x, w: np.einsum("snm,sm->s", x, w)),
    (sp.Sum(X[i, m], (m, 2, d - 1), (i, 1, N)),  # part of the axis
     lambda x, w: x[:, :, 1:-1].sum(axis=(1, 2))),
    (sp.Sum(X[i, m] ** 2, (i, 1, N), (m, 1, N)),  # the indices in the other order
     lambda x, w: (x[:, :, :4] ** 2).sum(axis=(1, 2))),
    (sp.Sum(X[i, m], (m, 1, i), (i, 1, N)),  # a ragged range
     lambda x, w: np.array([sum(x[s, a, b] for a in range(4) for b in range(a + 1))
                            for s in range(3)])),
])
def test_family_entries_in_sums_take_the_right_values(expr, truth):
    env = _env(np.random.default_rng(7))
    x, w = env.families[X], env.families[W]
    np.testing.assert_allclose(evaluate(expr, env), truth(x, w), rtol=1e-12)


def test_an_index_past_the_axis_is_still_an_error():
    from xentsym.check.compile import NumericError
    with pytest.raises(NumericError, match="out of range"):
        evaluate(sp.Sum(W[m], (m, 1, d + 1)), _env(np.random.default_rng(0)))


# --- memos keyed by everything the answer depends on ----------------------------------------

def test_a_prepared_side_depends_on_the_scope_it_unfolds_in():
    from xentsym import conditions as cond
    from xentsym.check.numeric import _prepare
    from xentsym.domains import DISTRIBUTION
    from xentsym.functions import Entropy
    from xentsym.notation import Declaration, Scope
    p = sp.IndexedBase("p")
    a, b = sp.symbols("a b", integer=True, positive=True)
    seen = []
    for size in (a, b, a):
        with cond.using_scope(Scope([Declaration(p, DISTRIBUTION, over=(size,))])):
            seen.append(_prepare(Entropy(p)))
    assert seen[0] != seen[1] and seen[0] == seen[2]
    assert seen[1].has(b) and not seen[1].has(a)


def test_the_term_count_depends_on_the_sizes():
    from xentsym.check.numeric import _terms
    nest = sp.Sum(X[i, m], (m, 1, d), (i, 1, N))
    assert _terms(nest, {N: 3, d: 4}) == 12
    assert _terms(nest, {N: 5, d: 4}) == 20
    assert _terms(nest + 1, {N: 3, d: 4}) == 12
    assert _terms(X[1, 1], {N: 3}) == 1


def test_renaming_apart_depends_on_the_names_to_avoid():
    from xentsym.bound import rename_apart
    s = sp.Sum(W[k], (k, 1, d))
    assert rename_apart(s) == s
    assert rename_apart(s, avoid={k}) != s
    assert rename_apart(s, avoid={"k"}) == rename_apart(s, avoid={k})
    assert rename_apart(s) == s


def test_a_divisor_is_named_by_what_the_scope_proves_not_by_what_was_asked_before():
    from xentsym.check.natural import divisors
    from xentsym.domains import POSITIVE, REAL
    from xentsym.notation import Declaration, Scope
    t = sp.Symbol("t", real=True)
    real, positive = Scope([Declaration(t, REAL)]), Scope([Declaration(t, POSITIVE)])
    for scope, named in ((real, ("t != 0",)), (positive, ()), (real, ("t != 0",))):
        assert divisors((1 / t,), scope) == named
    assert divisors((1 / (sp.exp(t) + 2 + sp.exp(-t)),), real) == ()  # (u + 1)**2 / u
    assert divisors((1 / (sp.exp(t) - 1),), real) == ("exp(t) - 1 != 0",)


def test_compiled_code_handles_constants_cases_and_the_extra_functions():
    t = sp.Symbol("t", real=True)
    z = np.array([0.5, 2.0, 3.0])
    cases = [
        (sp.pi * t + sp.E, np.pi * z + np.e),
        (sp.Piecewise((t, t > 1), (-t, True)), np.where(z > 1, z, -z)),
        (sp.KroneckerDelta(t, 2) + sp.factorial(3), np.where(z == 2, 1.0, 0.0) + 6),
    ]
    for expr, truth in cases:
        np.testing.assert_allclose(_floats(expr, z), truth, rtol=1e-15)
    whole = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(_floats(sp.binomial(t + 2, 2), whole),
                               [math.comb(int(v) + 2, 2) for v in whole])


# --- batches replayed from the same generator state ------------------------------------------

def _batch(scope, sizes, seed, count=6, exprs=None):
    from xentsym.check.sampling import sample_env, variables
    exprs = exprs or [sp.Sum(X[i, m] * W[m], (m, 1, d), (i, 1, N)) + sp.Symbol("t", real=True)]
    rng = np.random.default_rng(seed)
    env = sample_env(variables(exprs, scope), scope, sizes, count, rng, exprs)
    return env, rng.random()


def _scope(domain):
    from xentsym.domains import REAL, SIZE
    from xentsym.notation import Declaration, Scope
    return Scope([Declaration(X, REAL, over=(N, d)), Declaration(W, REAL, over=(d,)),
                  Declaration(sp.Symbol("t", real=True), domain),
                  Declaration(N, SIZE), Declaration(d, SIZE)])


def test_a_replayed_batch_is_the_batch_drawn_and_leaves_the_generator_as_drawing_does(
        monkeypatch):
    from xentsym.check import sampling
    from xentsym.domains import REAL
    scope = _scope(REAL)
    first, after_first = _batch(scope, {N: 3, d: 4}, seed=5)
    again, after_again = _batch(scope, {N: 3, d: 4}, seed=5)  # from the kept batch
    monkeypatch.setattr(sampling, "DRAWN_BYTES", 0)  # nothing kept: drawn afresh
    sampling._DRAWN.clear()
    fresh, after_fresh = _batch(scope, {N: 3, d: 4}, seed=5)
    for env in (again, fresh):
        assert env.scalars.keys() == first.scalars.keys()
        for table, ref in ((env.scalars, first.scalars), (env.families, first.families)):
            for k in ref:
                np.testing.assert_array_equal(table[k], ref[k])
    assert after_first == after_again == after_fresh


def test_a_batch_is_kept_per_scope_and_sizes_and_handed_out_read_only():
    from xentsym.domains import POSITIVE, REAL
    t = sp.Symbol("t", real=True)
    real, _ = _batch(_scope(REAL), {N: 3, d: 4}, seed=9, count=200)
    positive, _ = _batch(_scope(POSITIVE), {N: 3, d: 4}, seed=9, count=200)
    assert (real.scalars[t] < 0).any() and (positive.scalars[t] > 0).all()
    bigger, _ = _batch(_scope(REAL), {N: 5, d: 4}, seed=9, count=200)
    assert bigger.families[X].shape == (200, 5, 4) and real.families[X].shape == (200, 3, 4)
    with pytest.raises(ValueError):
        real.families[X][0, 0, 0] = 1.0
    real.scalars.clear()  # the dictionaries are the caller's own
    assert _batch(_scope(REAL), {N: 3, d: 4}, seed=9, count=200)[0].scalars
