"""The general derivations (free index j or k, symbolic sizes N, d, K) against independent
truth: NumPy losses differentiated by central differences, SciPy's KL divergence, and the
engine's verdicts on the scripts and on planted errors."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy.special import expit, rel_entr

from conftest import REPO_ROOT
from xentsym import Derivation
from xentsym.discover import discover
from xentsym.verify import Options, verify

OPTIONS = Options(samples=300, seed=5, timeout=20.0)
NAMES = ("logistic-regression-gradient", "logistic-regression-hessian", "squared-error-gradient",
         "one-hot-cross-entropy", "bernoulli-kl", "gibbs-equality", "softmax-ce-gradient")


@pytest.fixture(scope="module")
def found():
    return {d.name: d for d in discover([str(REPO_ROOT / "derivations")])}


def _mean_bce(w, X, y):
    """Mean binary cross-entropy of logistic regression, written from the definition."""
    s = expit(X @ w)
    return -np.mean(y * np.log(s) + (1 - y) * np.log(1 - s))


def _fd(f, w, j, h=1e-6):
    e = np.zeros_like(w)
    e[j] = h
    return (f(w + e) - f(w - e)) / (2 * h)


def test_logistic_gradient_and_hessian_by_finite_differences():
    rng = np.random.default_rng(0)
    N, d = 7, 4
    X, y, w = rng.normal(size=(N, d)), rng.integers(0, 2, N).astype(float), rng.normal(size=d)
    s = expit(X @ w)
    for j in range(d):
        assert _fd(lambda v: _mean_bce(v, X, y), w, j) == pytest.approx(
            np.mean((s - y) * X[:, j]), rel=1e-6, abs=1e-9)
        for l in range(d):
            grad_j = lambda v: np.mean((expit(X @ v) - y) * X[:, j])  # noqa: E731
            assert _fd(grad_j, w, l) == pytest.approx(
                np.mean(s * (1 - s) * X[:, j] * X[:, l]), rel=1e-5, abs=1e-8)
    # ... and the factor x_{i,j} matters: without it the value is another number
    assert not np.isclose(_fd(lambda v: _mean_bce(v, X, y), w, 0), np.mean(s - y))


def test_the_scripts_state_these_results(found):
    """The derivations' last expressions, evaluated at concrete sizes by lambdify, are the
    NumPy gradients above (so the engine checked the statement a course makes)."""
    d = found["logistic-regression-gradient"]
    last = d.steps[-1].after
    scope = {str(x.obj): x.obj for x in d.scope}
    N, dd, j = scope["N"], scope["d"], scope["j"]
    w, x, y = scope["w"], scope["x"], scope["y"]
    rng = np.random.default_rng(1)
    X, Y, W = rng.normal(size=(5, 3)), rng.integers(0, 2, 5).astype(float), rng.normal(size=3)
    from xentsym.functions import unfold_all
    for col in range(3):
        concrete = unfold_all(last).xreplace({N: 5, dd: 3, j: col + 1}).doit()
        values = {w[m + 1]: W[m] for m in range(3)}
        values.update({x[i + 1, m + 1]: X[i, m] for i in range(5) for m in range(3)})
        values.update({y[i + 1]: Y[i] for i in range(5)})
        got = float(concrete.xreplace(values))
        assert got == pytest.approx(_fd(lambda v: _mean_bce(v, X, Y), W, col), rel=1e-6)


def test_bernoulli_kl_matches_scipy(found):
    from xentsym.functions import BinaryKL
    a, b = sp.symbols("a b", positive=True)
    f = sp.lambdify((a, b), BinaryKL(a, b).unfold(), "numpy")
    rng = np.random.default_rng(2)
    av, bv = rng.uniform(0.01, 0.99, 200), rng.uniform(0.01, 0.99, 200)
    truth = rel_entr(av, bv) + rel_entr(1 - av, 1 - bv)
    assert np.allclose(f(av, bv), truth, rtol=1e-10)
    assert found["bernoulli-kl"].steps[-1].after == BinaryKL(a, b)


def test_gibbs_equality_bound_holds_and_is_tight_only_at_p_equal_q():
    rng = np.random.default_rng(3)
    for n in (1, 2, 5):
        p, q = rng.dirichlet(np.ones(n), 300), rng.dirichlet(np.ones(n), 300)
        kl = rel_entr(p, q).sum(axis=1)
        hell = ((np.sqrt(q) - np.sqrt(p)) ** 2).sum(axis=1)
        assert (hell <= kl + 1e-12).all()
        assert (kl[hell > 1e-9] > 0).all()


def test_the_engine_verifies_every_general_derivation(found):
    results = verify([found[n] for n in NAMES], OPTIONS)
    for r in results:
        assert r.status == "verified", (r.derivation.name, [s.to_json() for s in r.steps])
        for step in r.steps:  # no fixed sizes: every size and index stays a symbol
            assert not step.step.given or r.derivation.name in (
                "bernoulli-kl", "one-hot-cross-entropy")


def _claims(d, wrong):
    start = d.steps[0].before
    return [Derivation(f"wrong-{n}", why, start, scope=d.scope).claim(e, why)
            for n, (why, e) in enumerate(wrong.items())]


def test_planted_errors_are_refuted(found):
    d = found["logistic-regression-gradient"]
    right = d.steps[-1].after
    from xentsym.notation import N
    (xij,) = [e for e in right.atoms(sp.Indexed) if str(e.base) == "x" and str(e.indices[1]) == "j"]
    wrong = {"dropped x_ij": right.xreplace({xij: sp.Integer(1)}), "sign flipped": -right,
             "no 1/N": right * N}
    oh = found["one-hot-cross-entropy"]
    k = [s for s in oh.steps[-1].after.free_symbols if str(s) == "k"][0]
    results = verify(_claims(d, wrong)
                     + _claims(oh, {"wrong class": oh.steps[-1].after.xreplace({k: 1})}),
                     OPTIONS)
    for r in results:
        (s,) = r.steps
        assert s.status == "refuted", (r.derivation.title, s.to_json())
        assert s.numeric.counterexample is not None
        values = s.numeric.counterexample["values"]
        if "j" in values:
            assert 1 <= values["j"] <= values["d"]
