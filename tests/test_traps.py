"""Known pitfalls of symbolic and numeric equality, each with the verdict it must get.

Every trap is one claimed step checked by ``xentsym.verify.check_step`` (or one small
document run through check-doc). The verdicts:

* ``verified``: true, and the engine must prove it (float trouble must not refute it);
* ``refuted``: false, with evidence (a disproof or a genuine numeric witness);
* ``not verified``: false or undefined somewhere on the domain; refuted or unproven are
  both acceptable, ``verified`` is the bug;
* ``not refuted``: true, but beyond the symbolic normal form; verified or unproven are
  both acceptable, ``refuted`` would be a false alarm.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from xentsym import Derivation
from xentsym import rules as R
from xentsym.check import numeric, precise
from xentsym.checkdoc import check_document
from xentsym.check.worker import Worker
from xentsym.domains import POSITIVE, REAL, Domain
from xentsym.functions import CrossEntropy, Entropy, KLDivergence
from xentsym.notation import (LECTURE, K, N, Declaration, Y, beta, i, k, n, p, q, y, y_onehot,
                              yhat, yhat_rows)
from xentsym.parse import parse
from xentsym.relations import AT_MOST, EQUAL, SAME_OPTIMUM
from xentsym.verify import Options, check_step

SAMPLES = 300
TIMEOUT = 20.0  # generous: a loaded CI machine must not turn a proof into a timeout


class Tiny(Domain):
    """Probabilities between 1e-15 and 1e-9: where 1 - s and log(1 + s) lose digits."""

    def __init__(self):
        super().__init__("tiny", r"(0, 10^{-9})", {"positive": True})

    def sample(self, rng, shape):
        return 10.0 ** rng.uniform(-15, -9, size=shape)

    def parametrise(self, t):
        return None


t = sp.Symbol("t", real=True)
a = sp.Symbol("a", real=True)
b = sp.Symbol("b", real=True)
u = sp.Symbol("u", positive=True)
v = sp.Symbol("v", positive=True)
s = sp.Symbol("s", positive=True)
OURS = [Declaration(t, REAL), Declaration(a, REAL), Declaration(b, REAL),
        Declaration(u, POSITIVE), Declaration(v, POSITIVE), Declaration(s, Tiny())]
SCOPE = LECTURE.extended(OURS)


@pytest.fixture(scope="module")
def worker():
    with Worker() as w:
        yield w


def judge(worker, before, after, relation=EQUAL, given=None, wrt=(), sense=None,
          samples=SAMPLES):
    """Check the claim before -> after (after the specialisations ``given``, if any)."""
    d = Derivation("trap", "trap", before, scope=SCOPE, wrt=wrt, sense=sense)
    if given:
        d.apply(R.specialise(given))
        before = d.current
    d.claim(after, "trap", relation=relation)
    return check_step(d.steps[-1], SCOPE, Options(samples=samples, timeout=TIMEOUT), worker)


def expect(result, verdict: str):
    status = result.status
    why = (f"status {status} (symbolic {result.symbolic.status}: {result.symbolic.message}; "
           f"numeric {result.numeric.status}: {result.numeric.message} "
           f"{result.numeric.counterexample})")
    if verdict == "not verified":
        assert status in ("refuted", "unproven"), why
    elif verdict == "not refuted":
        assert status in ("verified", "unproven"), why
    else:
        assert status == verdict, why
    if status == "refuted" and result.numeric.counterexample is not None:
        # a witness must be genuine: the two reported values really differ (or one is NaN)
        ce = result.numeric.counterexample
        if "lhs" in ce:
            assert not np.isclose(ce["lhs"], ce["rhs"], rtol=1e-8, atol=1e-8) or \
                np.isnan(ce["lhs"]) or np.isnan(ce["rhs"])


def U(op, *args):
    """An unevaluated SymPy node, so that float evaluation really does the bad arithmetic."""
    return op(*args, evaluate=False)


# --- the traps: (id, before, after, verdict, extra keyword arguments) ------------------------

TRAPS = [
    # floating-point cancellation and overflow that must not refute a true step
    ("cancel-big-offset", U(sp.Add, U(sp.Add, t, 10**12), -10**12), t, "verified", {}),
    ("cancel-difference-of-squares", (t + 10**10)**2 - (t - 10**10)**2, 4 * 10**10 * t,
     "verified", {}),
    ("log-exp-overflow", sp.log(sp.exp(1000 * u)), 1000 * u, "verified", {}),
    ("exp-ratio-overflow", sp.exp(1000 * u) / sp.exp(1000 * u - 1), sp.E, "verified", {}),
    ("tiny-probability-cancellation", U(sp.Mul, U(sp.Add, U(sp.Add, 1, s), -1), 1 / s), 1,
     "verified", {}),
    ("square-cancellation-at-1e8", (t + 10**8)**2 - 10**16 - 2 * 10**8 * t, t**2,
     "verified", {}),
    ("tiny-probability-square-cancellation", ((1 + s)**2 - 1 - 2 * s) / s**2, 1,
     "verified", {}),
    ("large-N-sum-cancellation",
     sp.Sum((yhat[i] + 10**8)**2 - 10**16 - 2 * 10**8 * yhat[i], (i, 1, N)),
     sp.Sum(yhat[i]**2, (i, 1, N)), "verified", {}),
    ("long-concrete-sum-cancellation",
     sp.Sum((beta / i + 10**8)**2 - 10**16 - 2 * 10**8 * beta / i, (i, 1, 300)),
     sp.Sum(beta**2 / i**2, (i, 1, 300)), "verified", {"samples": 40}),
    ("log-of-product-underflow", sp.log(sp.Product(beta / (i + 1), (i, 1, 300))),
     sp.Sum(sp.log(beta) - sp.log(i + 1), (i, 1, 300)), "verified", {"samples": 40}),
    ("sum-of-1e5-terms", sp.Sum(beta / 10**5, (i, 1, 10**5)), beta, "not refuted", {}),
    ("log1p-bound-at-tiny-s", sp.log(1 + s) / s, 1, "not refuted", {"relation": AT_MOST}),
    ("argmin-scaled-and-shifted-by-1e9",
     -sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N)),
     -sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N)) / 10**6 + 10**9, "verified",
     {"relation": SAME_OPTIMUM, "wrt": (yhat,), "sense": "min"}),
    # nearly equal constants: float cannot see the difference, the symbolic check must
    ("constant-2^-99-vs-2^-98", beta + sp.Rational(1, 2**99), beta + sp.Rational(1, 2**98),
     "refuted", {}),
    ("constant-log2-plus-1e-13", sp.log(2) + sp.Rational(1, 10**13) + beta, sp.log(2) + beta,
     "refuted", {}),
    ("binary-floats-0.1+0.2-vs-0.3", sp.Float(0.1) + sp.Float(0.2) + beta, sp.Float(0.3) + beta,
     "not verified", {}),
    ("series-truncated-near-zero", sp.log(1 - s), -s - s**2 / 2, "not verified", {}),
    ("unsimplified-zero-log6", sp.log(6), sp.log(2) + sp.log(3), "verified", {}),
    ("natural-log-not-base-10", sp.log(100), 2, "refuted", {}),
    # branch cuts and domains
    ("sqrt-of-square-real", sp.sqrt(t**2), t, "refuted", {}),
    ("sqrt-of-square-is-abs", sp.sqrt(t**2), sp.Abs(t), "verified", {}),
    ("abs-is-not-identity", sp.Abs(t), t, "refuted", {}),
    ("abs-squared", sp.Abs(t)**2, t**2, "verified", {}),
    ("log-product-real-factors", sp.log(a * b), sp.log(a) + sp.log(b), "not verified", {}),
    ("log-product-positive-factors", sp.log(u * v), sp.log(u) + sp.log(v), "verified", {}),
    ("sqrt-product-real-factors", sp.sqrt(a * b), sp.sqrt(a) * sp.sqrt(b), "not verified", {}),
    ("sqrt-product-positive-factors", sp.sqrt(u * v), sp.sqrt(u) * sp.sqrt(v), "verified", {}),
    ("exp-log-positive", sp.exp(sp.log(u)), u, "verified", {}),
    ("log-exp-real", sp.log(sp.exp(t)), t, "verified", {}),
    ("power-of-power-real-base", (t**a)**b, t**(a * b), "not verified", {}),
    ("power-of-power-positive-base", (u**a)**b, u**(a * b), "verified", {}),
    ("freshmans-dream", (a + b)**2, a**2 + b**2, "refuted", {}),
    ("exp-of-sum", sp.exp(a + b), sp.exp(a) * sp.exp(b), "verified", {}),
    # zeros, 0^0, log 0 at the label edges
    ("zero-times-x", 0 * t, 0, "verified", {}),
    ("zero-to-the-zero-label", Y**Y, 1, "verified", {}),
    ("label-squared-is-label", Y**2, Y, "verified", {}),
    ("real-squared-is-not-itself", t**2, t, "refuted", {}),
    ("zero-log-zero-label", Y * sp.log(Y), 0, "not verified", {}),
    ("bernoulli-log-at-label-edges", Y * sp.log(beta) + (1 - Y) * sp.log(1 - beta),
     sp.log(beta**Y * (1 - beta)**(1 - Y)), "verified", {}),
    ("exponent-sign-slip", (1 - beta)**(1 - Y), (1 - beta)**(Y - 1), "refuted", {}),
    # piecewise at its boundary
    ("piecewise-is-bernoulli", sp.Piecewise((beta, sp.Eq(Y, 1)), (1 - beta, True)),
     beta**Y * (1 - beta)**(1 - Y), "verified", {}),
    ("piecewise-boundary-on-labels", sp.Piecewise((beta, Y > 0), (1 - beta, True)),
     sp.Piecewise((beta, Y >= 0), (1 - beta, True)), "refuted", {}),
    ("piecewise-boundary-measure-zero", sp.Piecewise((1, t > 0), (0, True)),
     sp.Piecewise((1, t >= 0), (0, True)), "not verified", {}),
    # case-sensitive names, sizes, empty ranges
    ("N-is-not-n", N * beta, n * beta, "refuted", {}),
    ("empty-sum-is-zero", sp.Sum(t * i, (i, 3, 2)), 0, "verified", {}),
    ("empty-product-is-one", sp.Product(t + i, (i, 3, 2)), 1, "verified", {}),
    ("distribution-sums-to-one", sp.Sum(p[i], (i, 1, n)), 1, "not refuted", {}),
    ("one-outcome-distribution", sp.Sum(p[i], (i, 1, n)), 1, "verified", {"given": {n: 1}}),
    ("entropy-of-one-outcome", Entropy(p).unfold(), 0, "verified", {"given": {n: 1}}),
    ("one-hot-with-one-class",
     sp.Sum(y_onehot[i, k] * sp.log(yhat_rows[i, k]), (k, 1, K), (i, 1, N)), 0, "verified",
     {"given": {K: 1}}),
    # sums: swapped indices, symmetry, wrong index roles
    ("swapped-summation-order",
     sp.Sum(sp.Sum(y_onehot[i, k] * sp.log(yhat_rows[i, k]), (k, 1, K)), (i, 1, N)),
     sp.Sum(sp.Sum(y_onehot[i, k] * sp.log(yhat_rows[i, k]), (i, 1, N)), (k, 1, K)),
     "verified", {}),
    ("swapped-index-roles", sp.Sum(sp.Sum(i * k**2, (k, 1, K)), (i, 1, N)),
     sp.Sum(sp.Sum(k * i**2, (k, 1, K)), (i, 1, N)), "refuted", {}),
    ("product-commutes-in-sum", sp.Sum(p[i] * q[i], (i, 1, n)),
     sp.Sum(q[i] * p[i], (i, 1, n)), "verified", {}),
    ("reversed-summation", sp.Sum(i * p[i], (i, 1, n)),
     sp.Sum((n + 1 - i) * p[n + 1 - i], (i, 1, n)), "not refuted", {}),
    ("cross-entropy-is-not-symmetric", CrossEntropy(p, q), CrossEntropy(q, p), "refuted", {}),
    # the lecture's quantities
    ("kl-of-p-with-itself", KLDivergence(p, p), 0, "verified", {}),
    ("kl-is-cross-entropy-minus-entropy", KLDivergence(p, q),
     CrossEntropy(p, q) - Entropy(p), "verified", {}),
    ("gibbs-is-not-an-equality", Entropy(p), CrossEntropy(p, q), "refuted", {}),
    ("gibbs-inequality", Entropy(p), CrossEntropy(p, q), "not refuted",
     {"relation": AT_MOST}),
    ("gibbs-inequality-reversed", CrossEntropy(p, q), Entropy(p), "refuted",
     {"relation": AT_MOST}),
    ("dropping-1/N-is-not-equality",
     -sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N)) / N, -sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N)),
     "refuted", {}),
    ("dropping-1/N-keeps-the-argmin",
     -sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N)) / N, -sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N)),
     "verified", {"relation": SAME_OPTIMUM, "wrt": (yhat,), "sense": "min"}),
    ("dropping-minus-1/N-is-not-same-argmin",
     -sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N)) / N, sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N)),
     "refuted", {"relation": SAME_OPTIMUM, "wrt": (yhat,), "sense": "min"}),
]


@pytest.mark.parametrize("before, after, verdict, kwargs",
                         [pytest.param(*row[1:], id=row[0]) for row in TRAPS])
def test_trap(worker, before, after, verdict, kwargs):
    expect(judge(worker, before, after, **kwargs), verdict)


def test_there_are_enough_traps():
    assert len(TRAPS) + 4 >= 30  # the four document traps below count too


def test_nearly_equal_constants_pass_the_float_check_but_are_not_verified(worker):
    # The float check cannot see 2^-99; the verdict must come from the symbolic side.
    result = judge(worker, beta + sp.Rational(1, 2**99), beta + sp.Rational(1, 2**98))
    assert result.numeric.status == "passed"
    assert result.symbolic.status == "disproved"
    assert result.status == "refuted"


def test_float_trouble_is_settled_at_high_precision(worker):
    # Float64 gets (t + 1e10)^2 - (t - 1e10)^2 wrong by thousands; the re-evaluation at
    # high precision shows those samples agree, so the numeric check passes.
    result = judge(worker, (t + 10**10)**2 - (t - 10**10)**2, 4 * 10**10 * t)
    assert result.numeric.status == "passed"
    assert result.numeric.precise > 0
    assert result.status == "verified"


# --- the numeric check alone: no false alarms, and no blindness either ---------------------

ILL_CONDITIONED_TRUTHS = [
    ((t + 10**10)**2 - (t - 10**10)**2, 4 * 10**10 * t),
    (((1 + s)**2 - 1 - 2 * s) / s**2, sp.Integer(1)),
    (sp.exp(700 * u + 700) / sp.exp(700 * u), sp.exp(700)),
    (sp.log(sp.Product(yhat[i], (i, 1, N)) * sp.Product(yhat[i], (i, 1, N))),
     2 * sp.Sum(sp.log(yhat[i]), (i, 1, N))),
    (sp.Sum((yhat[i] + 10**9)**2 - 10**18 - 2 * 10**9 * yhat[i], (i, 1, N)),
     sp.Sum(yhat[i]**2, (i, 1, N))),
    (sp.log(sp.Product(beta / (i + 1), (i, 1, 200))),
     200 * sp.log(beta) - sp.log(sp.factorial(201))),
]


@pytest.mark.parametrize("lhs, rhs", ILL_CONDITIONED_TRUTHS)
def test_float_trouble_never_refutes_a_true_identity(lhs, rhs):
    result = numeric.check_equal(lhs, rhs, SCOPE, samples=60, seed=3)
    assert result.counterexample is None, result
    assert result.status == "passed", result.message


NEARLY_EQUAL_BUT_WRONG = [
    # differences float64 can see but only just: the re-evaluation must confirm them
    (beta * (1 + sp.Rational(1, 10**7)), beta),
    (sp.Sum(yhat[i], (i, 1, N)) + sp.Rational(1, 10**6), sp.Sum(yhat[i], (i, 1, N))),
    ((t + 10**8)**2 - 10**16 - 2 * 10**8 * t, t**2 + sp.Rational(1, 10)),
    (sp.log(sp.Product(beta / (i + 1), (i, 1, 200))),
     200 * sp.log(beta) - sp.log(sp.factorial(201)) + sp.Rational(1, 10**5)),
]


@pytest.mark.parametrize("lhs, rhs", NEARLY_EQUAL_BUT_WRONG)
def test_a_small_real_difference_is_still_refuted(lhs, rhs):
    result = numeric.check_equal(lhs, rhs, SCOPE, samples=200, seed=3)
    assert result.status == "failed" and result.counterexample is not None, result


def test_an_unsettled_disagreement_is_no_witness(monkeypatch):
    # With no budget to re-evaluate, float64's disagreement is not evidence: failed, but
    # without a counterexample, so a step is left unproven, never refuted on float alone.
    monkeypatch.setattr(precise, "RECHECK_TERMS", 0)
    monkeypatch.setattr(precise, "MIN_SHARE_TERMS", 0)
    result = numeric.check_equal((t + 10**10)**2 - (t - 10**10)**2, 4 * 10**10 * t, SCOPE,
                                 samples=50)
    assert result.status == "failed" and result.counterexample is None
    assert "could not be re-evaluated" in result.message


def test_rounding_in_one_batch_does_not_hide_a_real_difference_in_another(monkeypatch):
    # For N < 5 the claim is true but float64 gets every sample wrong; for N >= 5 it is off
    # by 1. With the overall re-evaluation budget spent at once, every size assignment
    # still gets its own small share, so the real difference is confirmed with a witness.
    monkeypatch.setattr(precise, "RECHECK_TERMS", 0)
    monkeypatch.setattr(precise, "MIN_SHARE_TERMS", 40)
    lhs = (t + 10**10)**2 - (t - 10**10)**2 + sp.Piecewise((1, N >= 5), (0, True))
    result = numeric.check_equal(lhs, 4 * 10**10 * t, SCOPE, samples=600)
    assert result.status == "failed" and result.counterexample is not None, result
    assert result.counterexample["values"]["N"] >= 5


def test_witnesses_prefer_finite_values(worker):
    # log(ab) = log a + log b fails for real a, b; the reported sample should show a
    # finite side (a, b < 0: log(ab) is finite, log a + log b is not), not NaN = NaN.
    result = judge(worker, sp.log(a * b), sp.log(a) + sp.log(b))
    ce = result.numeric.counterexample
    assert result.status == "refuted"
    assert np.isfinite(ce["lhs"]) or np.isfinite(ce["rhs"])


# --- traps read from documents ----------------------------------------------------------------

DOC = r"""# Traps in notation

$$\sum_{i=1}^{N} y^{(i)} = \sum_{i=1}^{N} y_i$$

$$\sum_{i=1}^{N} \hat{y}^{(i)} = \sum_{i=1}^{N} \hat{y}^{i}$$

$$0.1 + 0.2 = 0.3$$

$$\log 100 = 2 \log 10 = 2$$
"""


@pytest.fixture(scope="module")
def doc_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("traps") / "traps.md"
    path.write_text(DOC, encoding="utf-8")
    report = check_document(str(path), Options(samples=SAMPLES, timeout=TIMEOUT))
    return {(st.line, st.step): st for st in report.steps}


def test_doc_index_is_not_a_power(doc_report):
    # y^{(i)} is sample i, the same as y_i
    assert doc_report[(3, 1)].status == "verified"


def test_doc_power_is_not_an_index(doc_report):
    # \hat{y}^{i} is a power of a scalar, not sample i: must not be verified
    assert doc_report[(5, 1)].status in ("refuted", "unproven", "unparsed")


def test_doc_decimal_literals_are_exact(doc_report):
    # 0.1 + 0.2 is read as the rational 3/10, not as two binary floats
    assert doc_report[(7, 1)].status == "verified"


def test_doc_log_is_natural(doc_report):
    # log 100 = 2 log 10 holds in any base; = 2 holds only in base 10: \log is natural, so
    # it is false as written, but the prose may say base 10, so it is not refuted
    assert doc_report[(9, 1)].status == "verified"
    second = doc_report[(9, 2)]
    assert second.status == "unproven" and "base 10" in second.message


def test_case_sensitive_names_in_documents():
    assert parse("N") != parse("n")
    assert parse(r"\sum_{i=1}^{N} y_i") != parse(r"\sum_{i=1}^{n} y_i")
