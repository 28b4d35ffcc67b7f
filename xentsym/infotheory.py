r"""Two random variables X, Y: joint, conditional and marginal entropies and mutual information.

The pair has one joint mass function, given by two families: ``p``, the distribution of X
over its ``n`` outcomes (the lecture's ``H(X) = H(p)`` keeps its meaning), and ``c``, the
conditional rows ``c[i, j] = p(y_j | x_i)``, each a distribution over the outcomes of Y. Every
joint mass function is such a pair, so an identity that holds for all of them is checked
over all of them: ``p(x_i, y_j) = p_i c_ij``, ``p(y_j) = sum_i p_i c_ij``.

Each quantity unfolds to sums (``rewrite(sp.log)``, :func:`xentsym.functions.unfold_all`).
They subclass :class:`~xentsym.functions.Entropy` so a document's symbol table takes ``p``
and ``c`` for distributions (it does so for the families H, H(p, q) and D_KL are taken of).
The outcomes of Y run over ``N_y``, the range of an unbounded ``\sum_y``, so the document's
own ``\sum_y p(x, y) ...`` runs over the same outcomes.
"""
from __future__ import annotations

import sympy as sp

from . import notation as nt
from .functions import Entropy, _over
from .read.ranges import RangeSize

# The families of the joint mass function in the reader's plain names (check-doc).
CONDITIONAL_LABEL = "p_{Y|X}"
_j = sp.Symbol("j", integer=True, positive=True)


def conditional_family(like: sp.IndexedBase) -> sp.IndexedBase:
    """The conditional rows c of Y given X, made like the marginal family ``like`` of X."""
    label = like.label
    return sp.IndexedBase(type(label)(CONDITIONAL_LABEL, **label.assumptions0), real=True)


def _y_size(c: sp.IndexedBase) -> sp.Expr:
    from .conditions import current_scope
    decl = current_scope().lookup(c)
    return decl.over[-1] if decl is not None and len(decl.over) == 2 else RangeSize("N_y")


def joint(p, c, i, j):
    """p(x_i, y_j)."""
    return p[i] * c[i, j]


def marginal_y(p, c, j):
    """p(y_j) = sum_i p(x_i) p(y_j | x_i)."""
    k = sp.Dummy("i", integer=True, positive=True)
    return sp.Sum(p[k] * c[k, j], (k, 1, _over(p)))


def _grid(p, c, body):
    """sum over i in 1..n and j in 1..N_y of body(i, j)."""
    i, j = nt.i, _j
    return sp.Sum(body(i, j), (j, 1, _y_size(c)), (i, 1, _over(p)))


class _Joint(Entropy):
    """A quantity of the joint distribution (p, c) of X and Y."""

    nargs = 2
    latex_name = "H"
    words = ""  # the arguments as printed: "X, Y"

    def _latex(self, printer):
        return f"{self.latex_name}({self.words})"


class JointEntropy(_Joint):
    """H(X, Y) = -sum_{x, y} p(x, y) log p(x, y), unfolded as H(X) + H(Y | X) (the chain
    rule: the sums over y of the rows p(y | x) are 1), so the identities between the
    quantities hold term by term."""

    words = "X, Y"

    def unfold(self):
        p, c = self.args
        return Entropy(p).unfold() + ConditionalEntropy(p, c).unfold()


class ConditionalEntropy(_Joint):
    """H(Y | X) = -sum_{x, y} p(x, y) log p(y | x)."""

    words = r"Y \mid X"

    def unfold(self):
        p, c = self.args
        return -_grid(p, c, lambda i, j: joint(p, c, i, j) * sp.log(c[i, j]))


class MarginalEntropy(_Joint):
    """H(Y) = -sum_y p(y) log p(y), the entropy of the second variable's marginal."""

    words = "Y"

    def unfold(self):
        p, c = self.args
        j = _j
        r = marginal_y(p, c, j)
        return -sp.Sum(r * sp.log(r), (j, 1, _y_size(c)))


class ReverseConditionalEntropy(_Joint):
    """H(X | Y) = -sum_{x, y} p(x, y) log p(x | y), unfolded as H(X, Y) - H(Y)."""

    words = r"X \mid Y"

    def unfold(self):
        p, c = self.args
        return JointEntropy(p, c).unfold() - MarginalEntropy(p, c).unfold()


class MutualInformation(_Joint):
    """I(X; Y) = sum_{x, y} p(x, y) log (p(x, y) / (p(x) p(y))), unfolded as H(Y) - H(Y | X)."""

    latex_name = "I"
    words = "X; Y"

    def unfold(self):
        p, c = self.args
        return MarginalEntropy(p, c).unfold() - ConditionalEntropy(p, c).unfold()


class RowEntropy(_Joint):
    """H(Y | X = x_i) = -sum_y p(y | x_i) log p(y | x_i), the entropy of one row."""

    nargs = 3

    def unfold(self):
        p, c, i = self.args
        j = _j
        return -sp.Sum(c[i, j] * sp.log(c[i, j]), (j, 1, _y_size(c)))

    def _latex(self, printer):
        return rf"H(Y \mid X = x_{{{printer._print(self.args[2])}}})"


class Entry(_Joint):
    """An entry of the joint mass function: p(x_i, y_j), p(y_j | x_i), p(y_j), p(x_i | y_j).

    An entry, not an entropy: it subclasses the entropies only so the symbol table takes
    its families for distributions in a step that writes no quantity."""

    nargs = 5
    is_positive = True
    def unfold(self):
        p, c, form, i, j = self.args
        form = FORMS[int(form)]
        if form == "joint":
            return joint(p, c, i, j)
        if form == "given x":
            return c[i, j]
        if form == "y":
            return marginal_y(p, c, j)
        return joint(p, c, i, j) / marginal_y(p, c, j)

    def _latex(self, printer):
        p, c, form, i, j = self.args
        form = FORMS[int(form)]
        i, j = printer._print(i), printer._print(j)
        return {"joint": f"p(x_{{{i}}}, y_{{{j}}})", "given x": rf"p(y_{{{j}}} \mid x_{{{i}}})",
                "y": f"p(y_{{{j}}})", "given y": rf"p(x_{{{i}}} \mid y_{{{j}}})"}[form]


FORMS = ("joint", "given x", "y", "given y")


def entry(p, c, form: str, i, j) -> Entry:
    """The entry ``form`` (one of :data:`FORMS`) at outcomes x_i, y_j (i is 0 for p(y_j))."""
    return Entry(p, c, sp.Integer(FORMS.index(form)), i, j)


JOINT_QUANTITIES = (JointEntropy, ConditionalEntropy, MarginalEntropy,
                    ReverseConditionalEntropy, MutualInformation, RowEntropy, Entry)
