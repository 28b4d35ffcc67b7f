"""Named quantities of the lecture (H, H(p,q), D_KL, I) as SymPy functions that unfold to sums."""
from __future__ import annotations

import sympy as sp

from . import notation as nt


def _over(family: sp.Basic) -> sp.Expr:
    """The size of a distribution's outcome axis (n for the lecture's p and q)."""
    from .conditions import current_scope  # the scope a derivation or check is using
    decl = current_scope().lookup(family)
    return decl.over[-1] if decl is not None and decl.over else nt.n


class Quantity(sp.Function):
    """A named quantity: printed by name, unfolded to its definition by ``rewrite(sp.log)``."""

    is_real = True
    latex_name = ""

    def unfold(self) -> sp.Expr:
        """The defining expression."""
        raise NotImplementedError

    def _eval_rewrite_as_log(self, *args, **kwargs):
        return self.unfold()

    def _latex(self, printer):
        inner = ", ".join(printer._print(a) for a in self.args)
        return f"{self.latex_name}({inner})"


class Entropy(Quantity):
    """H(p) = -sum_i p(x_i) log p(x_i)."""

    nargs = 1
    latex_name = "H"

    def unfold(self):
        (p,) = self.args
        return -sp.Sum(p[nt.i] * sp.log(p[nt.i]), (nt.i, 1, _over(p)))


class CrossEntropy(Quantity):
    """H(p, q) = -sum_i p(x_i) log q(x_i)."""

    nargs = 2
    latex_name = "H"

    def unfold(self):
        p, q = self.args
        return -sp.Sum(p[nt.i] * sp.log(q[nt.i]), (nt.i, 1, _over(p)))


class KLDivergence(Quantity):
    """D_KL(p || q) = sum_i p(x_i) log(p(x_i) / q(x_i))."""

    nargs = 2
    latex_name = "D_{KL}"

    def unfold(self):
        p, q = self.args
        return sp.Sum(p[nt.i] * sp.log(p[nt.i] / q[nt.i]), (nt.i, 1, _over(p)))

    def _latex(self, printer):
        p, q = (printer._print(a) for a in self.args)
        return rf"D_{{KL}}({p} \| {q})"


class BinaryKL(Quantity):
    """D_KL(Bern(a) || Bern(b)) = a log(a/b) + (1-a) log((1-a)/(1-b)), written with the logs
    apart so it is defined only for a, b in (0, 1), where the Bernoulli distributions are."""

    nargs = 2
    latex_name = "D_{KL}"

    def unfold(self):
        a, b = self.args
        return (a * sp.log(a) + (1 - a) * sp.log(1 - a)
                - a * sp.log(b) - (1 - a) * sp.log(1 - b))

    def _latex(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return rf"D_{{KL}}(\operatorname{{Bern}}({a}) \| \operatorname{{Bern}}({b}))"


class BinaryCrossEntropy(Quantity):
    """H(y, yhat): the cross-entropy of the two-point distributions (y, 1-y) and (yhat, 1-yhat)."""

    nargs = 2
    latex_name = "H"

    def unfold(self):
        y, yhat = self.args
        return -(y * sp.log(yhat) + (1 - y) * sp.log(1 - yhat))


class InformationContent(Quantity):
    """I(x_0) = -log p(x_0), written here with the probability as the argument."""

    nargs = 1
    latex_name = "I"

    def unfold(self):
        (prob,) = self.args
        return -sp.log(prob)


class LogGap(Quantity):
    """t - 1 - log(t): never negative for t > 0 (the bound log t <= t - 1)."""

    nargs = 1
    latex_name = r"\operatorname{gap}"

    def unfold(self):
        (t,) = self.args
        return t - 1 - sp.log(t)

    def _latex(self, printer):
        t = printer._print(self.args[0])
        return rf"\left({t} - 1 - \log {t}\right)"


class Sigmoid(Quantity):
    """sigma(z) = 1 / (1 + exp(-z)), the logistic function."""

    nargs = 1
    latex_name = r"\sigma"

    def unfold(self):
        (z,) = self.args
        return 1 / (1 + sp.exp(-z))

    def fdiff(self, argindex=1):
        """sigma' = sigma (1 - sigma), so the chain rule keeps sigma by name."""
        return self * (1 - self)


QUANTITIES = (Entropy, CrossEntropy, KLDivergence, BinaryKL, BinaryCrossEntropy,
              InformationContent, LogGap, Sigmoid)


def unfold_all(expr: sp.Expr) -> sp.Expr:
    """Replace every named quantity by its definition, innermost first."""
    return expr.replace(lambda e: isinstance(e, Quantity), lambda e: e.unfold())
