"""The facts beyond the lecture (Gibbs' inequality, entropy bounds, Bernoulli = Binomial(1, p),
information adds up, the binary entropy's peak), checked two ways.

Hand-derived values: SciPy's ``scipy.stats.entropy``, ``binom`` and ``bernoulli`` and plain
NumPy on random distributions, never the engine's evaluator -- except where a test compares
the engine's formulas (``xentsym.formulas``) with those independent values.

Engine level: each new derivation script verifies, and reversed or otherwise false
inequalities are refuted with a counterexample that SciPy confirms.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import stats

from conftest import REPO_ROOT
from xentsym import Derivation, formulas
from xentsym.discover import discover
from xentsym.functions import CrossEntropy, Entropy, KLDivergence
from xentsym.notation import n, p, q
from xentsym.relations import AT_MOST
from xentsym.verify import Options, verify

OPTIONS = Options(samples=300, seed=5, timeout=10.0)

NEW_DERIVATIONS = [
    "gibbs-inequality", "cross-entropy-at-least-entropy", "kl-zero-at-equality",
    "categorical-mle", "bernoulli-is-binomial", "sigmoid-bce-gradient",
    "softmax-ce-gradient", "uniform-entropy", "entropy-maximum", "binary-entropy-peak",
    "information-adds",
]


def _random_pairs(seed=0, count=40):
    """Pairs of distributions of several sizes, flat and peaked."""
    rng = np.random.default_rng(seed)
    for j in range(count):
        size = int(rng.integers(2, 12))
        alpha = (0.2, 1.0, 5.0)[j % 3]
        yield rng.dirichlet(np.full(size, alpha)), rng.dirichlet(np.full(size, alpha))


def _clip(a):
    a = np.clip(np.asarray(a, dtype=float), 1e-300, None)
    return a / a.sum()


# --- hand-derived values ------------------------------------------------------------------

def test_kl_divergence_is_never_negative():
    kl = formulas.get("kl_divergence")
    for a, b in _random_pairs(0):
        a, b = _clip(a), _clip(b)
        d = stats.entropy(a, b)  # SciPy: sum a log(a / b)
        assert d >= 0
        assert kl.evaluate(p=a, q=b) == pytest.approx(d, rel=1e-9, abs=1e-12)
        assert stats.entropy(a, a) == pytest.approx(0.0, abs=1e-12)


def test_cross_entropy_is_at_least_entropy():
    ce, ent = formulas.get("cross_entropy"), formulas.get("entropy")
    for a, b in _random_pairs(1):
        a, b = _clip(a), _clip(b)
        h_pq = -np.sum(a * np.log(b))  # by hand
        h_p = stats.entropy(a)
        assert h_pq >= h_p - 1e-12
        assert h_pq - h_p == pytest.approx(stats.entropy(a, b), rel=1e-9, abs=1e-12)
        assert ce.evaluate(p=a, q=b) == pytest.approx(h_pq, rel=1e-9, abs=1e-12)
        assert ent.evaluate(p=a) == pytest.approx(h_p, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50])
def test_uniform_entropy_is_log_n(size):
    uniform = np.full(size, 1.0 / size)
    assert stats.entropy(uniform) == pytest.approx(np.log(size), rel=1e-12, abs=1e-15)
    assert formulas.get("entropy").evaluate(p=uniform) == pytest.approx(np.log(size),
                                                                        rel=1e-12, abs=1e-15)


def test_entropy_is_at_most_log_n():
    rng = np.random.default_rng(2)
    for size in (2, 3, 5, 10, 30):
        for alpha in (0.1, 1.0, 100.0):  # 100: close to uniform, close to the bound
            for a in rng.dirichlet(np.full(size, alpha), size=50):
                assert stats.entropy(a) <= np.log(size) + 1e-12


def test_binary_entropy_is_flat_at_one_half():
    def h(x):
        return stats.entropy([x, 1 - x])

    step = 1e-5
    slope = (h(0.5 + step) - h(0.5 - step)) / (2 * step)
    assert abs(slope) < 1e-8
    # away from 1/2 the slope is log((1 - p) / p), the claim of binary-entropy-peak step 1
    for x in (0.1, 0.3, 0.7, 0.9):
        slope = (h(x + step) - h(x - step)) / (2 * step)
        assert slope == pytest.approx(np.log(1 - x) - np.log(x), rel=1e-6)
        assert abs(slope) > 0.1
    # and 1/2 is the maximum, log 2
    grid = np.linspace(0.01, 0.99, 99)
    values = [h(x) for x in grid]
    assert grid[int(np.argmax(values))] == pytest.approx(0.5)
    assert max(values) == pytest.approx(np.log(2))
    assert formulas.get("binary_entropy").evaluate(p=0.5) == pytest.approx(np.log(2))


def test_information_content_adds_for_independent_events():
    info = formulas.get("information_content")
    rng = np.random.default_rng(3)
    a, b = rng.uniform(1e-6, 1, 200), rng.uniform(1e-6, 1, 200)
    assert np.allclose(-np.log(a * b), -np.log(a) - np.log(b), rtol=1e-12)
    assert np.allclose(info.evaluate(p=a * b), info.evaluate(p=a) + info.evaluate(p=b),
                       rtol=1e-12)
    assert np.allclose(info.evaluate(p=a), -np.log(a), rtol=1e-12)


def test_binomial_with_one_trial_is_bernoulli():
    pmf = formulas.get("bernoulli_pmf_power")
    for prob in np.linspace(0.01, 0.99, 25):
        for x in (0, 1):
            binom = stats.binom.pmf(x, 1, prob)
            assert binom == pytest.approx(stats.bernoulli.pmf(x, prob), rel=1e-12)
            assert binom == pytest.approx(prob if x == 1 else 1 - prob, rel=1e-12)
            assert pmf.evaluate(p=prob, x=x) == pytest.approx(binom, rel=1e-12)
    # with two trials it is not: P(X = 1) = 2 p (1 - p)
    assert stats.binom.pmf(1, 2, 0.3) == pytest.approx(2 * 0.3 * 0.7)


# --- the engine ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def verdicts():
    found = discover([str(REPO_ROOT / "derivations")])
    by_name = {d.name: d for d in found}
    missing = [name for name in NEW_DERIVATIONS if name not in by_name]
    assert not missing, f"derivations not found: {missing}"
    results = verify([by_name[name] for name in NEW_DERIVATIONS], OPTIONS)
    return {r.derivation.name: r for r in results}


@pytest.mark.parametrize("name", NEW_DERIVATIONS)
def test_the_new_derivation_verifies(verdicts, name):
    r = verdicts[name]
    assert r.status == "verified", [s.to_json() for s in r.steps]
    for s in r.steps:
        assert s.symbolic.status == "proved" and s.numeric.status == "passed", s.to_json()


def test_the_inequalities_are_inequalities(verdicts):
    """Gibbs' inequality and the entropy bound really use the <= relation (and say so)."""
    for name in ("gibbs-inequality", "cross-entropy-at-least-entropy", "entropy-maximum"):
        keys = [s.step.relation_key for s in verdicts[name].steps]
        assert "<=" in keys, (name, keys)


def _claim(start, end, certificate=None, name="reversed"):
    return Derivation(name, "a false bound", start).claim(end, "reversed on purpose",
                                                          relation=AT_MOST,
                                                          certificate=certificate)


def _witness(step):
    assert step.status == "refuted", step.to_json()
    assert step.symbolic.status != "proved", step.to_json()
    ce = step.numeric.counterexample
    assert ce is not None and ce["lhs"] > ce["rhs"], ce
    values = ce["values"]
    return values, np.asarray(values.get("p", []), float), np.asarray(values.get("q", []), float)


REVERSED = {
    # name: (start, claimed upper bound, certificate offered with it)
    "KL <= 0": (KLDivergence(p, q), sp.Integer(0), None),
    "KL(p||q) <= -KL(q||p)": (KLDivergence(p, q), -KLDivergence(q, p), None),
    "H(p, q) <= H(p)": (CrossEntropy(p, q), Entropy(p), None),
    "H(p, q) <= H(p), with the Gibbs certificate": (CrossEntropy(p, q), Entropy(p),
                                                   KLDivergence(p, q)),
    "log n <= H(p)": (sp.log(n), Entropy(p), None),
}


@pytest.fixture(scope="module")
def reversed_verdicts():
    claims = [_claim(start, end, cert, f"reversed-{j}")
              for j, (start, end, cert) in enumerate(REVERSED.values())]
    return dict(zip(REVERSED, (r.steps[0] for r in verify(claims, OPTIONS))))


@pytest.mark.parametrize("what", list(REVERSED))
def test_a_reversed_inequality_is_refuted(reversed_verdicts, what):
    """Refuted, with a counterexample that SciPy confirms."""
    values, a, b = _witness(reversed_verdicts[what])
    if what.startswith("KL <= 0"):
        assert stats.entropy(a, b) > 0
    elif what.startswith("KL(p||q)"):
        assert stats.entropy(a, b) > -stats.entropy(b, a)
    elif what.startswith("H(p, q)"):
        assert -np.sum(a * np.log(b)) > stats.entropy(a)
    else:
        assert np.log(values["n"]) > stats.entropy(a)
