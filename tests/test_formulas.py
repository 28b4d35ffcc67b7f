"""Every lecture formula's ``evaluate`` against independent truth (SciPy, scikit-learn, NumPy)."""
from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import rel_entr
from sklearn.metrics import log_loss

from xentsym import formulas
from xentsym.domains import Domain
from xentsym.errors import XentsymError

# The names DESIGN.md promises, and the extra objectives the derivations use.
DESIGN_NAMES = ["information_content", "entropy", "binary_entropy", "kl_divergence",
                "cross_entropy", "binary_cross_entropy", "multiclass_cross_entropy",
                "bernoulli_pmf", "likelihood", "log_likelihood"]
EXTRA_NAMES = ["bce_sum", "bce_log_likelihood", "sum_of_cross_entropies", "model_likelihood",
               "bernoulli_pmf_power", "bernoulli_pmf_piecewise"]
DOMAIN_NAMES = {"real", "probability", "distribution", "label", "one-hot", "positive", "size"}

SIZES = [1, 2, 3, 7, 50]
SEEDS = [0, 1, 2]


def ev(name, **arrays):
    return formulas.get(name).evaluate(**arrays)


def rng_for(*key) -> np.random.Generator:
    """A generator seeded from the key (stable across runs, unlike hash())."""
    return np.random.default_rng([zlib.crc32(str(k).encode()) for k in key])


def distribution(rng, n, shape=()):
    return rng.dirichlet(np.full(n, rng.choice([0.3, 1.0, 4.0])), size=shape or None)


def probabilities(rng, shape):
    return rng.uniform(0.01, 0.99, size=shape)


def labels(rng, shape):
    return rng.integers(0, 2, size=shape).astype(float)


# --- the catalogue ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", DESIGN_NAMES + EXTRA_NAMES)
def test_every_formula_exists_with_expr_latex_and_domains(name):
    f = formulas.get(name)
    assert f.name == name
    assert f.expr.free_symbols  # a real expression, not a placeholder
    assert isinstance(f.latex, str) and f.latex.strip()
    doms = f.domains
    assert isinstance(doms, dict) and doms
    for key, dom in doms.items():
        assert isinstance(key, str) and key
        assert isinstance(dom, Domain)
        assert dom.name in DOMAIN_NAMES, (key, dom)


# Keyed as evaluate() takes the arrays (DESIGN.md's names), sizes under their own names.
@pytest.mark.parametrize("name, symbol, domain", [
    ("information_content", "p", "probability"),
    ("entropy", "p", "distribution"),
    ("entropy", "n", "size"),
    ("binary_entropy", "p", "probability"),
    ("kl_divergence", "q", "distribution"),
    ("cross_entropy", "p", "distribution"),
    ("binary_cross_entropy", "y", "label"),
    ("binary_cross_entropy", "y_hat", "probability"),
    ("binary_cross_entropy", "N", "size"),
    ("multiclass_cross_entropy", "y", "one-hot"),
    ("multiclass_cross_entropy", "y_hat", "distribution"),
    ("multiclass_cross_entropy", "K", "size"),
    ("bernoulli_pmf", "beta", "probability"),
    ("bernoulli_pmf", "y", "label"),
    ("likelihood", "y", "label"),
    ("log_likelihood", "y_hat", "probability"),
])
def test_domains_are_the_lectures(name, symbol, domain):
    assert formulas.get(name).domains[symbol].name == domain


def test_unknown_formula_name_is_a_xentsym_error():
    with pytest.raises(XentsymError, match="no_such_formula"):
        formulas.get("no_such_formula")


# --- single-distribution quantities ------------------------------------------------------------

@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_entropy_matches_scipy(n, seed):
    p = distribution(rng_for("H", n, seed), n)
    got = ev("entropy", p=p)
    assert isinstance(got, float)
    assert got == pytest.approx(stats.entropy(p), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_kl_divergence_matches_scipy(n, seed):
    rng = rng_for("KL", n, seed)
    p, q = distribution(rng, n), distribution(rng, n)
    got = ev("kl_divergence", p=p, q=q)
    assert got == pytest.approx(stats.entropy(p, q), rel=1e-10, abs=1e-12)
    assert got == pytest.approx(rel_entr(p, q).sum(), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_cross_entropy_matches_numpy_and_gibbs_split(n, seed):
    rng = rng_for("CE", n, seed)
    p, q = distribution(rng, n), distribution(rng, n)
    got = ev("cross_entropy", p=p, q=q)
    assert got == pytest.approx(-np.sum(p * np.log(q)), rel=1e-10, abs=1e-12)
    # H(p, q) = H(p) + D_KL(p || q), both from SciPy
    assert got == pytest.approx(stats.entropy(p) + stats.entropy(p, q), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_information_content_matches_numpy(seed):
    p = probabilities(rng_for("I", seed), 40)
    got = ev("information_content", p=p)
    np.testing.assert_allclose(got, -np.log(p), rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_binary_entropy_matches_numpy_and_scipy(seed):
    p = probabilities(rng_for("Hb", seed), 40)
    got = ev("binary_entropy", p=p)
    np.testing.assert_allclose(got, -p * np.log(p) - (1 - p) * np.log(1 - p), rtol=1e-12)
    np.testing.assert_allclose(got, stats.entropy(np.stack([p, 1 - p])), rtol=1e-10)


def test_batched_distributions_give_one_value_per_row():
    rng = rng_for("batch")
    p, q = distribution(rng, 6, (4, 3)), distribution(rng, 6, (4, 3))
    got = ev("kl_divergence", p=p, q=q)
    assert got.shape == (4, 3)
    np.testing.assert_allclose(got, stats.entropy(p, q, axis=-1), rtol=1e-10)
    np.testing.assert_allclose(ev("entropy", p=p), stats.entropy(p, axis=-1), rtol=1e-10)


# --- hand-derived values --------------------------------------------------------------------------

def test_fair_coin_has_entropy_log_2():
    assert ev("binary_entropy", p=0.5) == pytest.approx(math.log(2), rel=1e-14)
    assert ev("entropy", p=np.array([0.5, 0.5])) == pytest.approx(math.log(2), rel=1e-14)
    assert ev("information_content", p=0.5) == pytest.approx(math.log(2), rel=1e-14)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 1000])
def test_uniform_distribution_has_entropy_log_n(n):
    u = np.full(n, 1.0 / n)
    assert ev("entropy", p=u) == pytest.approx(math.log(n), abs=1e-12)
    assert ev("cross_entropy", p=u, q=u) == pytest.approx(math.log(n), abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5, 30])
def test_kl_of_a_distribution_with_itself_is_zero(n):
    p = distribution(rng_for("self", n), n)
    assert ev("kl_divergence", p=p, q=p) == pytest.approx(0.0, abs=1e-14)
    assert ev("cross_entropy", p=p, q=p) == pytest.approx(ev("entropy", p=p), rel=1e-12)


def test_point_mass_has_zero_entropy_and_known_kl():
    # p = (1, 0): with 0 log 0 excluded by the domain, use p = (1) on one outcome.
    assert ev("entropy", p=np.array([1.0])) == 0.0
    # KL((1/2, 1/2) || (1/4, 3/4)) = 1/2 log 2 + 1/2 log(2/3) = 1/2 log(4/3)
    got = ev("kl_divergence", p=np.array([0.5, 0.5]), q=np.array([0.25, 0.75]))
    assert got == pytest.approx(0.5 * math.log(4 / 3), rel=1e-13)


def test_hand_derived_losses():
    # one positive sample predicted with e^-1: loss 1; one negative predicted 1 - e^-2: loss 2
    assert ev("binary_cross_entropy", y=[1.0], y_hat=[math.exp(-1)]) == pytest.approx(1.0)
    assert ev("binary_cross_entropy", y=[1.0, 0.0],
              y_hat=[math.exp(-1), 1 - math.exp(-2)]) == pytest.approx(1.5)
    assert ev("bce_sum", y=[1.0, 0.0], y_hat=[math.exp(-1), 1 - math.exp(-2)]) \
        == pytest.approx(3.0)
    assert ev("bce_log_likelihood", y=[1.0, 0.0], y_hat=[math.exp(-1), 1 - math.exp(-2)]) \
        == pytest.approx(-3.0)
    assert ev("multiclass_cross_entropy", y=[[0.0, 1.0, 0.0]],
              y_hat=[[0.2, 0.5, 0.3]]) == pytest.approx(math.log(2))
    assert ev("bernoulli_pmf", y=1.0, beta=0.3) == pytest.approx(0.3)
    assert ev("bernoulli_pmf", y=0.0, beta=0.3) == pytest.approx(0.7)
    assert ev("likelihood", y=[1.0, 0.0, 1.0], beta=0.3) == pytest.approx(0.3 * 0.7 * 0.3)


# --- losses ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("N", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_binary_cross_entropy_matches_sklearn(N, seed):
    rng = rng_for("BCE", N, seed)
    y, yhat = labels(rng, N), probabilities(rng, N)
    expected = log_loss(y, yhat, labels=[0, 1])
    assert ev("binary_cross_entropy", y=y, y_hat=yhat) == pytest.approx(expected, rel=1e-10)
    assert ev("bce_sum", y=y, y_hat=yhat) == pytest.approx(N * expected, rel=1e-10)
    assert ev("bce_log_likelihood", y=y, y_hat=yhat) == pytest.approx(-N * expected, rel=1e-10)


@pytest.mark.parametrize("N", SIZES)
@pytest.mark.parametrize("K", [1, 2, 3, 10])
def test_multiclass_cross_entropy_matches_sklearn(N, K):
    rng = rng_for("MCE", N, K)
    cls = rng.integers(0, K, size=N)
    onehot = np.eye(K)[cls]
    yhat = distribution(rng, K, (N,))
    got = ev("multiclass_cross_entropy", y=onehot, y_hat=yhat)
    np_truth = -np.mean(np.log(yhat[np.arange(N), cls]))
    assert got == pytest.approx(np_truth, rel=1e-10, abs=1e-12)
    if K >= 2:
        assert got == pytest.approx(log_loss(cls, yhat, labels=list(range(K))), rel=1e-9)


@pytest.mark.parametrize("N", SIZES)
def test_multiclass_with_two_classes_is_binary(N):
    rng = rng_for("K2", N)
    y, yhat = labels(rng, N), probabilities(rng, N)
    multi = ev("multiclass_cross_entropy", y=np.stack([y, 1 - y], axis=-1),
               y_hat=np.stack([yhat, 1 - yhat], axis=-1))
    assert multi == pytest.approx(log_loss(y, yhat, labels=[0, 1]), rel=1e-10)


@pytest.mark.parametrize("N", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_sum_of_cross_entropies_matches_numpy(N, seed):
    rng = rng_for("SCE", N, seed)
    y, yhat = labels(rng, N), probabilities(rng, N)
    per_sample = -(y * np.log(yhat) + (1 - y) * np.log(1 - yhat))
    got = ev("sum_of_cross_entropies", y=y, y_hat=yhat)
    assert got == pytest.approx(per_sample.sum(), rel=1e-10)
    # each H(y_i, yhat_i) is the two-point cross-entropy, as SciPy computes it
    two_point = [stats.entropy([a, 1 - a]) + stats.entropy([a, 1 - a], [b, 1 - b])
                 for a, b in zip(y, yhat)]
    assert got == pytest.approx(sum(two_point), rel=1e-9)


def test_batched_labels_and_predictions():
    rng = rng_for("batch-bce")
    y, yhat = labels(rng, (5, 9)), probabilities(rng, (5, 9))
    got = ev("binary_cross_entropy", y=y, y_hat=yhat)
    assert got.shape == (5,)
    np.testing.assert_allclose(got, [log_loss(a, b, labels=[0, 1]) for a, b in zip(y, yhat)],
                               rtol=1e-10)


# --- Bernoulli PMFs and likelihoods -------------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_bernoulli_pmfs_match_scipy(seed):
    rng = rng_for("pmf", seed)
    y, beta = labels(rng, 60), probabilities(rng, 60)
    truth = stats.bernoulli.pmf(y, beta)
    np.testing.assert_allclose(ev("bernoulli_pmf", y=y, beta=beta), truth, rtol=1e-12)
    np.testing.assert_allclose(ev("bernoulli_pmf_power", x=y, p=beta), truth, rtol=1e-12)
    np.testing.assert_allclose(ev("bernoulli_pmf_piecewise", x=y, p=beta), truth, rtol=1e-12)
    np.testing.assert_allclose(ev("bernoulli_pmf", y=y, beta=beta),
                               beta ** y * (1 - beta) ** (1 - y), rtol=1e-12)


def test_piecewise_pmf_picks_the_right_case():
    p = np.array([0.1, 0.1, 0.8, 0.8])
    x = np.array([1.0, 0.0, 1.0, 0.0])
    np.testing.assert_allclose(ev("bernoulli_pmf_piecewise", x=x, p=p),
                               np.where(x == 1, p, 1 - p), rtol=1e-15)


@pytest.mark.parametrize("N", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_likelihood_is_the_product_of_pmfs(N, seed):
    rng = rng_for("L", N, seed)
    y, beta = labels(rng, N), float(probabilities(rng, ()))
    expected = np.prod(stats.bernoulli.pmf(y, beta))
    assert ev("likelihood", y=y, beta=beta) == pytest.approx(expected, rel=1e-10)
    # closed form: beta^(#ones) (1 - beta)^(#zeros)
    ones = y.sum()
    assert ev("likelihood", y=y, beta=beta) == pytest.approx(
        beta ** ones * (1 - beta) ** (N - ones), rel=1e-10)


@pytest.mark.parametrize("N", SIZES)
@pytest.mark.parametrize("seed", SEEDS)
def test_model_likelihood_and_log_likelihood(N, seed):
    rng = rng_for("ML", N, seed)
    y, p_theta = labels(rng, N), probabilities(rng, N)
    model = ev("model_likelihood", y=y, y_hat=p_theta)
    assert model == pytest.approx(np.prod(stats.bernoulli.pmf(y, p_theta)), rel=1e-10)
    loglik = ev("log_likelihood", y=y, y_hat=p_theta)
    assert loglik == pytest.approx(np.sum(stats.bernoulli.logpmf(y, p_theta)), rel=1e-10)
    assert loglik == pytest.approx(math.log(model), rel=1e-9, abs=1e-12)
    # maximum likelihood is minimum cross-entropy: log-likelihood = -N * log loss
    assert loglik == pytest.approx(-N * log_loss(y, p_theta, labels=[0, 1]), rel=1e-9)


def test_likelihood_broadcasts_beta_over_a_batch():
    y = np.array([1.0, 0.0, 1.0])
    beta = np.array([0.3, 0.5, 0.9])
    got = ev("likelihood", y=y, beta=beta)
    np.testing.assert_allclose(got, beta ** 2 * (1 - beta), rtol=1e-12)


# --- property-based -----------------------------------------------------------------------------------

weights = st.lists(st.floats(min_value=1e-3, max_value=1e3, allow_nan=False,
                             allow_infinity=False), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(weights, st.data())
def test_distribution_identities_hold_for_drawn_distributions(w, data):
    p = np.array(w) / np.sum(w)
    w2 = data.draw(st.lists(st.floats(min_value=1e-3, max_value=1e3), min_size=len(w),
                            max_size=len(w)))
    q = np.array(w2) / np.sum(w2)
    h = ev("entropy", p=p)
    kl = ev("kl_divergence", p=p, q=q)
    ce = ev("cross_entropy", p=p, q=q)
    assert h == pytest.approx(stats.entropy(p), rel=1e-9, abs=1e-12)
    assert kl == pytest.approx(stats.entropy(p, q), rel=1e-9, abs=1e-12)
    assert kl >= -1e-12  # Gibbs' inequality
    assert 0 <= h + 1e-12 and h <= math.log(len(p)) + 1e-12
    assert ce == pytest.approx(h + kl, rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.floats(min_value=1e-6, max_value=1 - 1e-6)),
                min_size=1, max_size=30))
def test_bce_matches_sklearn_for_drawn_samples(pairs):
    y = np.array([a for a, _ in pairs], dtype=float)
    yhat = np.array([b for _, b in pairs])
    assert ev("binary_cross_entropy", y=y, y_hat=yhat) == pytest.approx(
        log_loss(y, yhat, labels=[0, 1]), rel=1e-9, abs=1e-12)


# --- bad arguments ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, kwargs", [
    ("entropy", {}),
    ("kl_divergence", {"p": [0.5, 0.5]}),
    ("binary_cross_entropy", {"y": [1.0]}),
    ("bernoulli_pmf", {"beta": 0.3}),
])
def test_missing_keyword_is_an_error(name, kwargs):
    with pytest.raises(XentsymError):
        ev(name, **kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("entropy", {"p": [0.5, 0.5], "q": [0.5, 0.5]}),
    ("binary_cross_entropy", {"y": [1.0], "yhat": [0.5]}),  # the keyword is y_hat
    ("bernoulli_pmf", {"y": 1.0, "beta": 0.3, "p": 0.3}),
])
def test_unknown_keyword_is_an_error(name, kwargs):
    with pytest.raises(XentsymError):
        ev(name, **kwargs)


@pytest.mark.parametrize("name, kwargs", [
    ("kl_divergence", {"p": [0.5, 0.5], "q": [0.2, 0.3, 0.5]}),
    ("cross_entropy", {"p": [0.2, 0.3, 0.5], "q": [1.0]}),
    ("binary_cross_entropy", {"y": [1.0, 0.0, 1.0], "y_hat": [0.5, 0.5]}),
    ("log_likelihood", {"y": [1.0], "y_hat": [0.5, 0.4]}),
    ("multiclass_cross_entropy", {"y": np.eye(3), "y_hat": np.full((3, 2), 0.5)}),
    ("multiclass_cross_entropy", {"y": np.eye(3), "y_hat": np.full((4, 3), 1 / 3)}),
    ("entropy", {"p": 0.5}),  # a distribution needs an outcome axis
])
def test_mismatched_sizes_are_an_error(name, kwargs):
    with pytest.raises(XentsymError):
        ev(name, **kwargs)


def test_mismatched_batch_shapes_are_an_error():
    with pytest.raises(XentsymError):
        ev("kl_divergence", p=np.full((2, 3), 1 / 3), q=np.full((4, 3), 1 / 3))


@pytest.mark.parametrize("name, arrays, complaint", [
    ("binary_cross_entropy", {"y": [0.5], "y_hat": [0.5]}, "y takes values in"),
    ("binary_cross_entropy", {"y": [1.0], "y_hat": [1.5]}, "y_hat is a probability"),
    ("kl_divergence", {"p": [0.5, 0.6], "q": [0.5, 0.5]}, "p must sum to 1"),
    ("multiclass_cross_entropy", {"y": [[1.0, 1.0]], "y_hat": [[0.5, 0.5]]}, "y must sum to 1"),
])
def test_values_outside_the_domain_are_refused(name, arrays, complaint):
    with pytest.raises(XentsymError, match=complaint):
        formulas.get(name).evaluate(**arrays)


def test_every_domain_key_is_an_evaluate_argument_or_a_size():
    for name in DESIGN_NAMES:
        f = formulas.get(name)
        for key, dom in f.domains.items():
            assert key in f.arguments or dom.name == "size", (name, key)
