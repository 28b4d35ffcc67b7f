"""The gradients of the cross-entropy through a sigmoid and a softmax.

First without the engine: the losses are written in NumPy here and differentiated by
central differences, for many logits and labels, and for K = 3, 5 and 10 classes. Then the
derivation scripts' own expressions (what is differentiated, and the claimed gradient) are
turned into NumPy functions with ``sympy.lambdify`` and compared with the same finite
differences. Last, the engine: its verdicts on derivations/gradients.py must be
``verified``, and wrong gradients (y - sigma(z), sigma(z) + y, the wrong softmax component)
must be refuted with a counterexample that really is one.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from conftest import REPO_ROOT
from xentsym import Derivation
from xentsym.discover import discover
from xentsym.functions import Sigmoid, unfold_all
from xentsym.notation import Y
from xentsym.verify import Options, verify

OPTIONS = Options(samples=300, seed=3, timeout=10.0)
H = 1e-5  # finite-difference step


# --- the losses in NumPy, written from the definitions ------------------------------------

def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def bce_of_logit(z, y):
    """-(y log sigma(z) + (1 - y) log(1 - sigma(z))), with log sigma(z) = -log(1 + e^-z)."""
    log_s = -np.logaddexp(0.0, -z)
    log_1ms = -np.logaddexp(0.0, z)
    return -(y * log_s + (1 - y) * log_1ms)


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_ce(z, t):
    """-sum_k t_k log softmax(z)_k = logsumexp(z) - sum_k t_k z_k for labels summing to 1;
    written here as the plain sum of -t_k log softmax_k."""
    zmax = z.max(axis=-1, keepdims=True)
    log_soft = z - zmax - np.log(np.exp(z - zmax).sum(axis=-1, keepdims=True))
    return -(t * log_soft).sum(axis=-1)


def central(f, z, h=H):
    """d f / d z by a central difference, elementwise in z."""
    return (f(z + h) - f(z - h)) / (2 * h)


def grad_central(f, z, h=H):
    """The full gradient of f (batch of rows -> batch of numbers) by central differences."""
    out = np.empty_like(z)
    for k in range(z.shape[-1]):
        step = np.zeros_like(z)
        step[..., k] = h
        out[..., k] = (f(z + step) - f(z - step)) / (2 * h)
    return out


def one_hot(rng, rows, classes):
    return np.eye(classes)[rng.integers(0, classes, size=rows)]


# --- without the engine ---------------------------------------------------------------------

def test_sigmoid_bce_gradient_is_sigmoid_minus_label():
    rng = np.random.default_rng(0)
    z = np.concatenate([rng.normal(0, 4, 4000), [-12.0, -3.0, 0.0, 3.0, 12.0]])
    for y in (np.zeros_like(z), np.ones_like(z), rng.integers(0, 2, z.size).astype(float),
              rng.uniform(0, 1, z.size)):  # the identity holds for soft labels too
        numeric = central(lambda v: bce_of_logit(v, y), z)
        assert np.allclose(numeric, sigmoid(z) - y, rtol=1e-6, atol=1e-8)
        # ... and the test can fail: the reversed sign is far off
        assert not np.allclose(numeric, y - sigmoid(z), atol=1e-3)


@pytest.mark.parametrize("classes", [3, 5, 10])
def test_softmax_ce_gradient_is_softmax_minus_one_hot(classes):
    rng = np.random.default_rng(classes)
    z = rng.normal(0, 3, size=(500, classes))
    for t in (one_hot(rng, 500, classes), rng.dirichlet(np.ones(classes), size=500)):
        numeric = grad_central(lambda v: softmax_ce(v, t), z)
        assert np.allclose(numeric, softmax(z) - t, rtol=1e-6, atol=1e-8)
        # the wrong component (classes shifted by one) is far off
        assert not np.allclose(numeric, np.roll(softmax(z), 1, axis=-1) - t, atol=1e-3)
        # every row of the gradient sums to 0 (softmax and labels both sum to 1)
        assert np.allclose(numeric.sum(axis=-1), 0, atol=1e-7)


# --- the derivation scripts' expressions, compiled by lambdify -------------------------------

@pytest.fixture(scope="module")
def gradients():
    found = discover([str(REPO_ROOT / "derivations" / "gradients.py")])
    return {d.name: d for d in found}


def _compiled(expr, names: dict):
    """A NumPy function of the symbols/entries in ``names`` (keys) for ``expr`` after the
    named quantities are written out (Sigmoid -> 1/(1 + e^-z))."""
    plain = {obj: sp.Symbol(f"v{j}") for j, obj in enumerate(names)}
    body = unfold_all(expr).xreplace(plain)
    return sp.lambdify(list(plain.values()), body, "numpy")


def test_the_sigmoid_derivation_differentiates_this_loss(gradients):
    d = gradients["sigmoid-bce-gradient"]
    (step,) = d.steps
    z = step.before.variables[0]
    loss = _compiled(step.before.expr, {z: 0, Y: 1})
    claimed = _compiled(step.after, {z: 0, Y: 1})
    rng = np.random.default_rng(1)
    zs, ys = rng.normal(0, 3, 300), rng.integers(0, 2, 300).astype(float)
    assert np.allclose(loss(zs, ys), bce_of_logit(zs, ys), rtol=1e-9, atol=1e-12)
    numeric = central(lambda v: bce_of_logit(v, ys), zs)
    assert np.allclose(claimed(zs, ys), numeric, rtol=1e-6, atol=1e-8)


def _at_size(expr, classes: int, cls: int, d):
    """``expr`` of the softmax derivation with K = classes and k = cls, sums written out."""
    k = d.steps[0].before.variables[0].indices[0]
    K = [s for s in d.scope if str(s.obj) == "K"][0].obj
    return unfold_all(expr).xreplace({K: classes, k: cls}).doit()


def test_the_softmax_derivation_differentiates_this_loss(gradients):
    d = gradients["softmax-ce-gradient"]
    start, result = d.steps[0].before, d.steps[-1].after
    wrt = start.variables[0]
    z = wrt.base
    t = [ix.base for ix in result.atoms(sp.Indexed) if ix.base != z][0]
    rng = np.random.default_rng(2)
    for classes in (1, 3, 5):
        zs, ts = rng.normal(0, 3, (300, classes)), one_hot(rng, 300, classes)
        names = dict.fromkeys([z[j] for j in range(1, classes + 1)]
                              + [t[j] for j in range(1, classes + 1)])
        args = [*zs.T, *ts.T]
        loss = _compiled(_at_size(start.expr, classes, 1, d), names)
        assert np.allclose(loss(*args), softmax_ce(zs, ts), rtol=1e-9, atol=1e-12)
        numeric = grad_central(lambda v: softmax_ce(v, ts), zs)
        for cls in range(1, classes + 1):
            claimed = _compiled(_at_size(result, classes, cls, d), names)
            assert np.allclose(claimed(*args), numeric[:, cls - 1], rtol=1e-6, atol=1e-8)


# --- the engine -------------------------------------------------------------------------------

def test_the_engine_verifies_both_gradient_derivations(gradients):
    # ... the softmax one for a symbolic number of classes K and any class k
    results = verify([gradients["sigmoid-bce-gradient"], gradients["softmax-ce-gradient"]],
                     OPTIONS)
    for r in results:
        assert r.status == "verified", (r.derivation.name, [s.to_json() for s in r.steps])
        for s in r.steps:
            assert s.symbolic.status == "proved" and s.numeric.status == "passed"


def _refuted_witnesses(d, wrong: dict):
    """Claim each wrong gradient from the derivation's start; each must be refuted with a
    witness. Yields (why, claimed expression, counterexample)."""
    before = d.steps[0].before
    claims = [Derivation(f"wrong-{j}", why, before, scope=d.scope).claim(expr, why)
              for j, (why, expr) in enumerate(wrong.items())]
    for r, (why, expr) in zip(verify(claims, OPTIONS), wrong.items()):
        (s,) = r.steps
        assert s.status == "refuted", (why, s.to_json())
        assert s.symbolic.status != "proved", why
        assert s.numeric.counterexample is not None, why
        yield why, expr, s.numeric.counterexample


def _wrong_sigmoid_claims(d):
    z = d.steps[0].before.variables[0]
    return z, {
        "reversed sign": Y - Sigmoid(z),
        "label added": Sigmoid(z) + Y,
        "label doubled": Sigmoid(z) - 2 * Y,
        "derivative of sigma kept": Sigmoid(z) * (1 - Sigmoid(z)) - Y,
    }


def test_the_engine_refutes_wrong_sigmoid_gradients(gradients):
    d = gradients["sigmoid-bce-gradient"]
    z, wrong = _wrong_sigmoid_claims(d)
    for why, expr, ce in _refuted_witnesses(d, wrong):
        # At the witness: the NumPy gradient is sigma(z) - y, the claimed value is not.
        zv, yv = ce["values"]["z"], ce["values"]["Y"]
        truth = central(lambda v: bce_of_logit(v, yv), np.array([zv]))[0]
        assert truth == pytest.approx(sigmoid(zv) - yv, rel=1e-6, abs=1e-8)
        assert ce["lhs"] == pytest.approx(truth, rel=1e-6, abs=1e-8), why
        claimed = _compiled(expr, {z: 0, Y: 1})(zv, yv)
        assert ce["rhs"] == pytest.approx(float(claimed), rel=1e-9, abs=1e-12), why
        assert abs(claimed - truth) > 1e-6, why


def test_the_engine_refutes_wrong_softmax_gradients(gradients):
    d = gradients["softmax-ce-gradient"]
    before, after = d.steps[0].before, d.steps[-1].after
    z, k = before.variables[0].base, before.variables[0].indices[0]
    t = [ix.base for ix in after.atoms(sp.Indexed) if ix.base != z][0]
    top = after + t[k]  # softmax(z)_k
    total = sp.exp(z[k]) / top
    wrong = {
        "first component": sp.exp(z[1]) / total - t[k],
        "label added": top + t[k],
        "no softmax": sp.exp(z[k]) - t[k],
        "missing exp(z_k)": 1 / total - t[k],
        "sign flipped": t[k] - top,
    }
    for why, _, ce in _refuted_witnesses(d, wrong):
        values = ce["values"]
        zv = np.array([values["z"]], dtype=float)
        tv = np.array([values["t"]], dtype=float)
        kv = int(values["k"])
        assert 1 <= kv <= values["K"] == zv.shape[1]
        truth = grad_central(lambda v: softmax_ce(v, tv), zv)[0, kv - 1]
        assert truth == pytest.approx(softmax(zv)[0, kv - 1] - tv[0, kv - 1], rel=1e-6,
                                      abs=1e-8)
        assert ce["lhs"] == pytest.approx(truth, rel=1e-6, abs=1e-8), why
        assert abs(ce["rhs"] - truth) > 1e-6, why


# --- a derivative with respect to an entry of a family, through a sum -------------------------

def test_cross_entropy_gradient_in_q_by_hand():
    """d/dq_1 of H(p, q) = -sum p_i log q_i is -p_1 / q_1 (NumPy, central differences)."""
    rng = np.random.default_rng(4)
    for size in (1, 2, 3, 7):
        a, b = rng.dirichlet(np.ones(size), 50), rng.dirichlet(np.ones(size), 50)
        numeric = grad_central(lambda v: -(a * np.log(v)).sum(axis=-1), b, h=1e-7)[:, 0]
        assert np.allclose(numeric, -a[:, 0] / b[:, 0], rtol=1e-5, atol=1e-7)


def test_the_engine_differentiates_through_a_sum():
    from xentsym.functions import CrossEntropy
    from xentsym.notation import p, q
    claim = Derivation("dce-dq1", "d/dq_1 H(p, q)", sp.Derivative(CrossEntropy(p, q), q[1]))
    claim.claim(-p[1] / q[1], "only the first term depends on q_1")
    (r,) = verify([claim], OPTIONS)
    assert r.status == "verified", [s.to_json() for s in r.steps]
