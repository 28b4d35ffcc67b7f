"""Domains: where a symbol lives, as SymPy assumptions, a sampler, and a parametrisation."""
from __future__ import annotations

from dataclasses import dataclass, field

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is loaded by the first sample drawn, not by the import:
    import numpy as np  # a run that reads every verdict from the cache never needs it
import sympy as sp

# Probabilities are sampled away from 0 and 1 by this much; edges are still well covered.
EDGE = 1e-7


@dataclass(frozen=True)
class Domain:
    """A set of values; subclasses say how to sample it and how to prove signs on it."""

    name: str = "real"
    latex: str = r"\mathbb{R}"
    assumptions: dict = field(default_factory=lambda: {"real": True}, hash=False, compare=False)
    values: tuple | None = None  # the elements of a finite domain
    axis_rule: str | None = None  # "simplex" or "onehot": a constraint along the last index axis

    def sample(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        """Draw values of this domain with the given array shape.

        Mostly moderate values, a quarter of tiny to large magnitudes (1e-3 .. 1e2, both
        signs): the numeric check keeps only the samples where the left side is defined,
        so a natural domain that is narrow or far from 0 must still be hit.
        """
        import numpy as np
        moderate = rng.normal(0.0, 3.0, size=shape)
        sign = np.where(rng.random(size=shape) < 0.5, -1.0, 1.0)
        wide = sign * 10.0 ** rng.uniform(-3.0, 2.0, size=shape)
        return np.where(rng.random(size=shape) < 0.75, moderate, wide)

    def parametrise(self, t: sp.Dummy) -> sp.Expr | None:
        """An expression in a positive dummy covering the domain, or None (sign unknown)."""
        return None


@dataclass(frozen=True)
class Probability(Domain):
    """The open interval (0, 1)."""

    name: str = "probability"
    latex: str = r"(0, 1)"
    assumptions: dict = field(default_factory=lambda: {"positive": True}, hash=False,
                              compare=False)

    def sample(self, rng, shape):
        import numpy as np
        # Half uniform, half U-shaped, so values close to 0 and 1 are exercised too.
        u = rng.uniform(EDGE, 1 - EDGE, size=shape)
        edge = np.clip(rng.beta(0.3, 0.3, size=shape), EDGE, 1 - EDGE)
        pick = rng.random(size=shape) < 0.5
        return np.where(pick, u, edge)

    def parametrise(self, t):
        return t / (1 + t)


@dataclass(frozen=True)
class Distribution(Probability):
    """Points of the probability simplex along the last index axis (entries in (0, 1))."""

    name: str = "distribution"
    latex: str = r"\Delta"
    axis_rule: str | None = "simplex"

    def parametrise(self, t):
        # (0, 1]: an axis of length 1 holds exactly 1, so 1 - p > 0 must not be provable.
        return 1 / (1 + sp.Dummy(nonnegative=True))

    def sample(self, rng, shape):
        import numpy as np
        if shape[-1] == 1:
            return np.ones(shape)
        w = rng.gamma(rng.choice([0.2, 1.0, 5.0]), size=shape)
        w = np.maximum(w, 1e-300)
        x = w / w.sum(axis=-1, keepdims=True)
        x = np.clip(x, EDGE, None)
        return x / x.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Label(Domain):
    """A binary label in {0, 1}."""

    name: str = "label"
    latex: str = r"\{0, 1\}"
    values: tuple | None = (0, 1)

    def sample(self, rng, shape):
        return rng.integers(0, 2, size=shape).astype(float)


@dataclass(frozen=True)
class OneHot(Domain):
    """One-hot rows along the last index axis."""

    name: str = "one-hot"
    latex: str = r"\{e_1, \dots, e_K\}"
    values: tuple | None = (0, 1)
    axis_rule: str | None = "onehot"

    def sample(self, rng, shape):
        import numpy as np
        hot = rng.integers(0, shape[-1], size=shape[:-1])
        return (np.arange(shape[-1]) == hot[..., None]).astype(float)


@dataclass(frozen=True)
class Positive(Domain):
    """The positive reals."""

    name: str = "positive"
    latex: str = r"(0, \infty)"
    assumptions: dict = field(default_factory=lambda: {"positive": True}, hash=False,
                              compare=False)

    def sample(self, rng, shape):
        import numpy as np
        return np.exp(rng.normal(0.0, 1.5, size=shape))

    def parametrise(self, t):
        return t


@dataclass(frozen=True)
class Size(Domain):
    """A positive whole number: a count of samples, classes or outcomes."""

    name: str = "size"
    latex: str = r"\mathbb{N}_{>0}"
    assumptions: dict = field(default_factory=lambda: {"integer": True, "positive": True},
                              hash=False, compare=False)

    def sample(self, rng, shape):
        return rng.integers(1, 9, size=shape).astype(float)

    def parametrise(self, t):
        return t


@dataclass(frozen=True)
class Index(Domain):
    """A positive whole number used as a subscript: i, j, k in x_i.

    Sampled from 1 to ``bound`` (or to the length of the axis it indexes, which the
    sampler knows and this domain does not).
    """

    name: str = "index"
    latex: str = r"\{1, 2, \dots\}"
    assumptions: dict = field(default_factory=lambda: {"integer": True, "positive": True},
                              hash=False, compare=False)
    bound: int = 13

    def sample(self, rng, shape):
        return rng.integers(1, self.bound + 1, size=shape).astype(float)

    def parametrise(self, t):
        return t


REAL = Domain()
# A real name nothing declared (check-doc): read where the step it appears in is defined.
NATURAL = Domain(name="natural")
PROBABILITY = Probability()
DISTRIBUTION = Distribution()
LABEL = Label()
ONE_HOT = OneHot()
POSITIVE = Positive()
SIZE = Size()
INDEX = Index()


# How each domain reads in a verdict's list of assumptions (plain text, for terminals).
WORDS = {
    "real": "real", "natural": "real", "probability": "in (0, 1)",
    "distribution": "a distribution (entries in (0, 1) summing to 1)", "label": "in {0, 1}",
    "one-hot": "a one-hot row", "positive": "positive", "size": "a positive integer (a size)",
    "index": "a positive integer (an index)",
}


def words(domain: Domain) -> str:
    """The domain as a phrase: ``in (0, 1)``, ``a one-hot row`` ..."""
    return WORDS.get(domain.name, domain.name)
