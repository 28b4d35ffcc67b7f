"""Free indices declared with their range (j over 1..d), Kronecker deltas and ragged sums.

Expected values are worked out by hand or with NumPy loops here, never by xentsym: the
engine must verify the true statements, refute the false ones with a witness inside the
declared range, and leave unproven what its declarations do not support.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from xentsym import Derivation
from xentsym.check import numeric
from xentsym.check.compile import Env, evaluate
from xentsym.domains import INDEX, REAL, SIZE
from xentsym.notation import LECTURE, Declaration, N, index
from xentsym.parse import parse
from xentsym.verify import Options, verify

OPTIONS = Options(samples=300, seed=1, timeout=10.0)
d = sp.Symbol("d", integer=True, positive=True)
j, m, i = index("j"), index("m"), index("i")
w = sp.IndexedBase(sp.Symbol("w", real=True), real=True)
SCOPE = LECTURE.extended([Declaration(d, SIZE, meaning="number of features"),
                          Declaration(j, INDEX, (d,), "a feature"),
                          Declaration(w, REAL, (d,), "weights")])


def _one(before, after, scope=SCOPE):
    claim = Derivation("c", "c", before, scope=scope).claim(after, "claimed")
    (r,) = verify([claim], OPTIONS)
    (s,) = r.steps
    return s


def test_declaration_of_an_index_gives_its_range():
    (decl,) = [x for x in SCOPE if x.obj == j]
    assert decl.range == (1, d)
    assert SCOPE.range_facts({j, m}) == [sp.Q.ge(j, 1) & sp.Q.le(j, d)]
    assert [x.range for x in SCOPE if x.obj == w] == [None]  # a family is no index


def test_an_index_is_sampled_inside_its_declared_range():
    # w_j - w_1 = 0 is false for every j > 1: the witness must have 2 <= j <= d.
    s = _one(w[j], w[1])
    assert s.status == "refuted"
    values = s.numeric.counterexample["values"]
    assert 2 <= values["j"] <= values["d"]
    assert "j: an index, sampled from 1 to d" in s.to_json()["assumptions"]


def test_delta_sum_collapses_for_an_index_in_range():
    s = _one(sp.Sum(sp.KroneckerDelta(m, j) * w[m], (m, 1, d)), w[j])
    assert s.status == "verified", s.to_json()
    # ... the same delta picking the wrong entry is refuted
    wrong = _one(sp.Sum(sp.KroneckerDelta(m, j) * w[m], (m, 1, d)), w[1])
    assert wrong.status == "refuted"


def test_delta_sum_is_not_collapsed_without_the_range():
    # Nothing says jj <= d: for jj > d the sum is 0, not w_jj, so no proof may exist.
    jj = index("jj")
    s = _one(sp.Sum(sp.KroneckerDelta(m, jj) * w[m], (m, 1, d)), w[jj])
    assert s.symbolic.status != "proved"
    assert s.status != "verified"


def test_kronecker_delta_inside_a_sum_evaluates_numerically():
    # sum_m delta(m, 2) m^2 over m = 1..5 is 4 (by hand), for each of three samples.
    expr = sp.Sum(sp.KroneckerDelta(m, 2) * m ** 2, (m, 1, d))
    out = evaluate(expr, Env(3, sizes={d: 5}))
    assert np.allclose(out, 4.0)


@pytest.mark.parametrize("size", [1, 2, 6])
def test_a_sum_whose_limit_is_an_outer_index(size):
    # sum_{i=1}^{n} sum_{m=1}^{i} m * a_m, with a NumPy double loop as the truth.
    a = sp.IndexedBase(sp.Symbol("a", real=True), real=True)
    rng = np.random.default_rng(size)
    data = rng.normal(size=(4, size))
    expr = sp.Sum(sp.Sum(m * a[m], (m, 1, i)), (i, 1, N))
    out = evaluate(expr, Env(4, families={a: data}, sizes={N: size}))
    truth = [sum(mm * row[mm - 1] for ii in range(1, size + 1) for mm in range(1, ii + 1))
             for row in data]
    assert np.allclose(out, truth)


def test_ragged_sums_true_and_false():
    # sum_{i=1}^N sum_{m=1}^i m = N(N+1)(N+2)/6 (tetrahedral numbers).
    nest = sp.Sum(sp.Sum(m, (m, 1, i)), (i, 1, N))
    assert _one(nest, N * (N + 1) * (N + 2) / 6).status == "verified"
    wrong = _one(nest, N * (N + 1) * (N + 2) / 5)
    assert wrong.status == "refuted"
    n_value = wrong.numeric.counterexample["values"]["N"]
    assert wrong.numeric.counterexample["lhs"] == pytest.approx(
        sum(mm for ii in range(1, n_value + 1) for mm in range(1, ii + 1)))


def test_a_sum_up_to_a_free_index():
    # sum_{m=1}^{j} 1 = j for every j in 1..d; = j + 1 is refuted.
    assert _one(sp.Sum(1, (m, 1, j)), j).status == "verified"
    assert _one(sp.Sum(w[m] ** 0, (m, 1, j)), j + 1).status == "refuted"


def test_a_ragged_range_never_reads_outside_a_family():
    # The masked part of the rectangle (m > i) is never evaluated as a real entry.
    a = sp.IndexedBase(sp.Symbol("a", real=True), real=True)
    scope = LECTURE.extended([Declaration(a, REAL, (N,))])
    run = numeric.check_equal(sp.Sum(sp.Sum(a[m], (m, 1, i)), (i, 1, N)),
                              sp.Sum((N - m + 1) * a[m], (m, 1, N)), scope, 200, 0)
    assert run.status == "passed", run.message


def test_a_bound_index_named_like_the_variable_index_is_not_captured():
    # d/dz_j of log sum_j e^{z_j} (the sum's own j is bound) is the softmax entry j.
    K = sp.Symbol("K", integer=True, positive=True)
    z = sp.IndexedBase(sp.Symbol("z", real=True), real=True)
    scope = LECTURE.extended([Declaration(K, SIZE), Declaration(z, REAL, (K,)),
                              Declaration(j, INDEX, (K,))])
    lse = sp.log(sp.Sum(sp.exp(z[j]), (j, 1, K)))
    softmax_j = sp.exp(z[j]) / sp.Sum(sp.exp(z[m]), (m, 1, K))
    s = _one(sp.Derivative(lse, z[j]), softmax_j, scope)
    assert s.status == "verified", s.to_json()
    assert _one(sp.Derivative(lse, z[j]), 1 - softmax_j, scope).status == "refuted"


@pytest.mark.parametrize("latex, expected", [
    (r"\sum_{j} x_{ij}", "Sum(x[i, j], (j, 1, N_j))"),  # j is the sum's: two indices
    (r"\sum_c Y_{ic}", "Sum(Y[i, c], (c, 1, N_c))"),
    (r"x_{ij}", "x[i, j]"),  # the same family outside the sum
    (r"T_{ijk}", "T[i, j, k]"),
    (r"w_{i1}", "w[i, 1]"),  # an index and one digit
    (r"\sum_k x_{1k}", "Sum(x[1, k], (k, 1, N_k))"),  # a digit first, the letter bound
    (r"\sum_i \eta_{min}", "Sum(eta_min, (i, 1, N_i))"),  # a word, even with i bound
    (r"d_{in}", "d_in"),
    (r"x_{2k}", "x_2k"),  # a digit first, nothing bound: the name as written
    (r"w_{i12}", "w_i12"),
])
def test_letters_in_a_subscript_are_indices_unless_they_spell_a_word(latex, expected):
    assert str(parse(latex, plain=True)) == expected
