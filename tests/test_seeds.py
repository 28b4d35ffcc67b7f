"""Verdicts do not depend on the seed: every derivation gets the same statuses for 20 seeds.

The symbolic check does not use the seed; the numeric one samples with it. A verdict that
flips with the seed would mean a check sitting on its tolerance, or a witness found only by
luck. Each seed runs the real ``verify`` over all derivations (300 samples per step), and is
compared with the default run (1000 samples, seed 0). False claims are refuted -- with a
genuine counterexample -- for every seed too.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp

from xentsym import Derivation
from xentsym.discover import discover
from xentsym.functions import CrossEntropy, Entropy, KLDivergence
from xentsym.notation import N, Y, beta, i, p, q, y, yhat
from xentsym.verify import Options, verify

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(20)
SAMPLES = 300


def _statuses(results) -> list:
    return [(r.derivation.name, r.status, tuple((s.step.index, s.status) for s in r.steps))
            for r in results]


@pytest.fixture(scope="module")
def derivations():
    found = discover([str(REPO_ROOT / "derivations")])
    assert found, "no derivations found"
    return found


@pytest.fixture(scope="module")
def reference(derivations):
    return _statuses(verify(derivations, Options()))


def _false_claims() -> list[Derivation]:
    loss = -sp.Sum(y[i] * sp.log(yhat[i]) + (1 - y[i]) * sp.log(1 - yhat[i]), (i, 1, N)) / N
    return [
        Derivation("kl-sign-slip", "sign slip", KLDivergence(p, q))
        .claim(Entropy(p) - CrossEntropy(p, q), "wrong sign"),
        Derivation("dropped-term", "a term dropped", loss)
        .claim(-sp.Sum(y[i] * sp.log(yhat[i]), (i, 1, N)) / N, "forgot the y = 0 half"),
        Derivation("boundary", "piecewise boundary",
                   sp.Piecewise((beta, Y > 0), (1 - beta, True)))
        .claim(sp.Piecewise((beta, Y >= 0), (1 - beta, True)), "> and >= are the same"),
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_verdicts_are_the_same_for_every_seed(derivations, reference, seed):
    got = _statuses(verify(derivations, Options(samples=SAMPLES, seed=seed)))
    assert got == reference


@pytest.mark.parametrize("seed", SEEDS)
def test_false_claims_are_refuted_for_every_seed(seed):
    for result in verify(_false_claims(), Options(samples=SAMPLES, seed=seed)):
        (step,) = result.steps
        assert result.status == "refuted", (result.derivation.name, seed)
        assert step.numeric.counterexample is not None, (result.derivation.name, seed)
