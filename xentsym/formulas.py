"""Every formula of the lecture: its SymPy expression, the lecture's LaTeX, and its domains."""
from __future__ import annotations

from dataclasses import dataclass, field

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded when a formula is first evaluated, not by the import
    import numpy as np
import sympy as sp

from . import display
from . import notation as nt
from .domains import Domain, Probability
from .errors import DomainError, XentsymError
from .functions import BinaryCrossEntropy
from .notation import (N, K, i, k, n, p, q, y, yhat, p_theta, y_onehot, yhat_rows, beta, Y, x,
                       p_success, p_event)

log, Sum, Product = sp.log, sp.Sum, sp.Product


@dataclass(frozen=True)
class Formula:
    """A named formula. ``expr`` is the source of truth; ``latex`` is the lecture's text."""

    name: str
    title: str
    expr: sp.Expr
    latex: str
    arguments: dict = field(hash=False)  # evaluate() keyword -> Symbol or IndexedBase
    sense: str | None = None  # "min"/"max" for the lecture's optimisation objectives
    scope: nt.Scope = field(default=nt.LECTURE, hash=False, compare=False)

    @property
    def domains(self) -> dict[str, Domain]:
        """Where each symbol lives, keyed as ``evaluate`` takes it (``y_hat``, ``p``, ...);
        symbols that are not arguments (the sizes N, K, n) under their own names."""
        names = {obj: key for key, obj in self.arguments.items()}
        families = [ix.base for ix in self.expr.atoms(sp.Indexed)]
        labels = {f.label for f in families}
        atoms = families + sorted((s for s in self.expr.free_symbols
                                   if isinstance(s, sp.Symbol) and s not in labels), key=str)
        out = {}
        for atom in atoms:
            decl = self.scope.lookup(atom)
            if decl is not None:
                out[names.get(decl.obj, str(atom))] = decl.domain
        return out

    def evaluate(self, **arrays) -> np.ndarray | float:
        """Evaluate with NumPy arrays (natural log); leading axes beyond the index axes batch.

        A family indexed over n outcomes takes an array whose last axis has n entries; the
        sizes N, K, n are read off the arrays.
        """
        import numpy as np

        from .check.compile import Env, evaluate
        unknown = set(arrays) - set(self.arguments)
        missing = set(self.arguments) - set(arrays)
        if unknown or missing:
            raise XentsymError(f"{self.name}.evaluate takes {sorted(self.arguments)}; "
                               f"unknown {sorted(unknown)}, missing {sorted(missing)}")
        sizes: dict = {}
        batch_shapes = []
        values = {}
        for key, obj in self.arguments.items():
            try:
                a = np.asarray(arrays[key], dtype=float)
            except (TypeError, ValueError):
                raise DomainError(f"{self.name}.evaluate: {key} is not an array of numbers") \
                    from None
            over = self.scope.require(obj).over if isinstance(obj, sp.IndexedBase) else ()
            if a.ndim < len(over):
                raise DomainError(f"{key} needs {len(over)} index axes, got shape {a.shape}")
            lead = a.ndim - len(over)
            for size, length in zip(over, a.shape[lead:]):
                if sizes.setdefault(size, length) != length:
                    raise DomainError(f"{key}: axis for {size} has {length} entries, "
                                      f"another argument has {sizes[size]}")
            _check_domain(self.name, key, a, self.scope.require(obj).domain)
            batch_shapes.append(a.shape[:lead])
            values[obj] = (a, lead)
        try:
            batch = np.broadcast_shapes(*batch_shapes)
        except ValueError:
            raise DomainError(f"{self.name}.evaluate: the arguments' leading (batch) shapes "
                              f"{batch_shapes} do not broadcast together") from None
        count = int(np.prod(batch)) if batch else 1
        env = Env(count, sizes=sizes)
        for obj, (a, lead) in values.items():
            flat = np.broadcast_to(a, batch + a.shape[lead:]).reshape((count,) + a.shape[lead:])
            (env.families if isinstance(obj, sp.IndexedBase) else env.scalars)[obj] = flat
        out = evaluate(self.expr, env).reshape(batch)
        return float(out) if out.ndim == 0 else out

    def _repr_latex_(self) -> str | None:
        """Jupyter: the expression in the lecture's notation (render/jupyter.py)."""
        return display.show(self, "latex")

    def _repr_html_(self) -> str | None:
        """Jupyter: the title, the expression as MathML and the domains (render/jupyter.py)."""
        return display.show(self, "html")


def _check_domain(formula: str, key: str, a: np.ndarray, domain: Domain) -> None:
    """Refuse values outside the argument's domain rather than return a silent nan."""
    import numpy as np
    bad = None
    if domain.values is not None and not np.isin(a, domain.values).all():
        bad = f"takes values in {set(domain.values)}"
    elif domain.axis_rule is not None and a.size and \
            not np.allclose(a.sum(axis=-1), 1.0, rtol=0, atol=1e-6):
        bad = "must sum to 1 along its last axis"
    elif isinstance(domain, Probability) and ((a < 0) | (a > 1)).any():
        bad = "is a probability, in [0, 1]"
    elif not np.isfinite(a).all():
        bad = "must be finite"
    if bad:
        raise DomainError(f"{formula}.evaluate: {key} {bad}")


def _bce_summand(lab, prob):
    return lab[i] * log(prob[i]) + (1 - lab[i]) * log(1 - prob[i])


_BCE = Sum(_bce_summand(y, yhat), (i, 1, N))
_LL = Sum(_bce_summand(y, p_theta), (i, 1, N))
_J_LATEX = r"\sum_{n=1}^N [y_n \log \hat{y}_n + (1 - y_n) \log(1 - \hat{y}_n)]"

FORMULAS: dict[str, Formula] = {f.name: f for f in [
    Formula("information_content", "information content of an event x_0",
            -log(p_event), r"I(x_0) = -\log(p(x_0))", {"p": p_event}),
    Formula("entropy", "entropy of a distribution over n outcomes",
            -Sum(p[i] * log(p[i]), (i, 1, n)),
            r"H(X) = -\sum_{i=1}^n p(x_i) \log(p(x_i))", {"p": p}),
    Formula("binary_entropy", "entropy of a two-outcome distribution (p, 1 - p)",
            -p_success * log(p_success) - (1 - p_success) * log(1 - p_success),
            r"H(X) = -p(x) \log(p(x)) - (1 - p(x)) \log(1 - p(x))", {"p": p_success}),
    Formula("kl_divergence", "Kullback-Leibler divergence of q from p",
            Sum(p[i] * log(p[i] / q[i]), (i, 1, n)),
            r"D_{KL}(p||q) = \sum_{i=1}^n p(x_i) \log\left(\frac{p(x_i)}{q(x_i)}\right)",
            {"p": p, "q": q}),
    Formula("cross_entropy", "cross-entropy of q relative to p",
            -Sum(p[i] * log(q[i]), (i, 1, n)),
            r"H(p, q) = -\sum_{i=1}^n p(x_i) \log(q(x_i))", {"p": p, "q": q}),
    Formula("binary_cross_entropy", "binary cross-entropy loss, mean over N samples",
            -_BCE / N,
            r"L = -\frac{1}{N} \sum_{i=1}^N y^{(i)} \log \hat{y}^{(i)} + (1 - y^{(i)}) "
            r"\log (1 - \hat{y}^{(i)})", {"y": y, "y_hat": yhat}, "min"),
    Formula("multiclass_cross_entropy", "multiclass cross-entropy loss, mean over N samples",
            -Sum(Sum(y_onehot[i, k] * log(yhat_rows[i, k]), (k, 1, K)), (i, 1, N)) / N,
            r"L = -\frac{1}{N} \sum_{i=1}^N \sum_{k=1}^K y_{(i,k)} \log \hat{y}_{(i,k)}",
            {"y": y_onehot, "y_hat": yhat_rows}, "min"),
    Formula("bce_sum", "binary cross-entropy without the factor 1/N",
            -_BCE, "J(w) = - " + _J_LATEX, {"y": y, "y_hat": yhat}, "min"),
    Formula("bce_log_likelihood", "binary cross-entropy without 1/N and without the sign",
            _BCE, "J(w) = " + _J_LATEX, {"y": y, "y_hat": yhat}, "max"),
    Formula("bernoulli_pmf", "probability mass function of a Bernoulli variable",
            beta**Y * (1 - beta)**(1 - Y), r"P(Y | \beta) = \beta^Y (1 - \beta)^{1-Y}",
            {"y": Y, "beta": beta}),
    Formula("bernoulli_pmf_power", "Bernoulli PMF written as a power",
            p_success**x * (1 - p_success)**(1 - x), r"f(x) = p^x(1-p)^{1-x}",
            {"x": x, "p": p_success}),
    Formula("bernoulli_pmf_piecewise", "Bernoulli PMF written as cases",
            sp.Piecewise((p_success, sp.Eq(x, 1)), (1 - p_success, sp.Eq(x, 0))),
            r"f(x) = \begin{cases} p & \text{if } x = 1, \\ 1 - p & \text{if } x = 0. "
            r"\end{cases}", {"x": x, "p": p_success}),
    Formula("likelihood", "likelihood of N Bernoulli samples with parameter beta",
            Product(beta**y[i] * (1 - beta)**(1 - y[i]), (i, 1, N)),
            r"P(D | \beta) = \prod_{i=1}^N \beta^{y_i} (1 - \beta)^{1-y_i}",
            {"y": y, "beta": beta}, "max"),
    Formula("model_likelihood", "likelihood when sample i has probability p_theta(Y=1|x_i)",
            Product(p_theta[i]**y[i] * (1 - p_theta[i])**(1 - y[i]), (i, 1, N)),
            r"P(D | \theta, X) = \prod_{i=1}^N p_{\theta}(Y = 1 | x_i)^{y_i} "
            r"(1 - p_{\theta}(Y = 1 | x_i))^{1-y_i}", {"y": y, "y_hat": p_theta}, "max"),
    Formula("log_likelihood", "log-likelihood of the Bernoulli model",
            _LL, r"\mathcal{L}(\theta; X, D) = \sum_{i=1}^N y_i \log p_{\theta}(Y = 1 | x_i) "
            r"+ (1 - y_i) \log (1 - p_{\theta}(Y = 1 | x_i))", {"y": y, "y_hat": p_theta}, "max"),
    Formula("sum_of_cross_entropies", "sum over samples of H(y_i, yhat_i)",
            Sum(BinaryCrossEntropy(y[i], yhat[i]), (i, 1, N)),
            r"\sum_{i=1}^N H(y_i, \hat{y}_i)", {"y": y, "y_hat": yhat}, "min"),
]}


def get(name: str) -> Formula:
    """The formula called ``name`` (see ``FORMULAS`` for the names)."""
    try:
        return FORMULAS[name]
    except KeyError:
        raise XentsymError(f"no formula named {name!r}; known: {', '.join(FORMULAS)}") from None


def names() -> list[str]:
    return list(FORMULAS)
