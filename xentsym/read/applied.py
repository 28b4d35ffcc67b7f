"""Reading applications: p(x_i), H(p, q), D_KL(p || q), I(.), \\sigma(z) and generic functions."""
from __future__ import annotations

from typing import Callable

import sympy as sp

from ..functions import (BinaryCrossEntropy, BinaryKL, CrossEntropy, Entropy, InformationContent,
                         KLDivergence, Sigmoid)
from . import joint
from .lecture_preset import PLAIN_NAMES, index_symbol
from .vectors import AXIS
from .nodes import Ctx, arg_nodes, is_char, is_letter, is_macro, is_paren, split_top, start_of
from .quantities import BERNOULLI, ONLY_OF_DISTRIBUTIONS, SPELLINGS
from .tables import SPACING
from .tokens import Fail, Group, Tok


class AppliedMixin:
    """A name applied to brackets, dispatched by :data:`APPLICATIONS`."""

    def _outcome(self, nodes: list, ctx: Ctx):
        """x, x_i, x_{1}, x^{(i)} -> None (unindexed) or the index tuple; else False."""
        if not nodes or not is_letter(nodes[0], "x"):
            return False
        if len(nodes) == 1:  # p(x) inside \sum_x is the entry of x
            return (index_symbol("x"),) if "x" in ctx.bound else None
        if len(nodes) == 3 and is_char(nodes[1], "_"):
            sub = arg_nodes(nodes, 2, "'_'", nodes[1].start)
            items = self._index_items(sub, ctx)
        elif len(nodes) == 3 and is_char(nodes[1], "^"):
            items = self._sup_index_items(nodes[2], ctx)
        else:
            return False
        if items is None or len(items) != 1:
            return False
        return (self._index_value(items[0], ctx),)

    def _outcome_probability(self, name: str, nodes: list, ctx: Ctx):
        """p(x_i) -> p[i]; p(x_0) -> p_0; p(x) -> the scalar p; anything else -> None."""
        idx = self._outcome(nodes, ctx)
        if idx is False:
            return None
        if idx is None:
            return self.names.unindexed_outcome[name]
        special = self.names.special_entries.get((name, *idx))
        return special if special is not None else self.names.sample_families[name][idx[0]]

    def apply_outcome(self, name: str, group: Group, ctx: Ctx):
        value = joint.outcome_entry(self, name, group.children, ctx)
        if value is not None:
            return value
        value = self._outcome_probability(name, group.children, ctx)
        if value is not None:
            return value
        if any(is_char(t, "|", "=", ";") or is_macro(t, r"\mid") for t in group.children):
            return self.generic_function(name, group, ctx)
        return None  # p(1 - p): a product

    def apply_bound_outcome(self, name: str, group: Group, ctx: Ctx):
        """P(x) inside a sum over x: the entry P_x of the distribution P; else None."""
        nodes = [t for t in group.children if not is_macro(t, *SPACING)]
        if len(nodes) == 1 and is_letter(nodes[0], "x") and "x" in ctx.bound:
            return self.names.distributions[name][index_symbol("x")]
        return None

    def apply_model_probability(self, name: str, group: Group, ctx: Ctx):
        parts, _ = split_top(group.children,
                             lambda ns, q: 1 if is_char(ns[q], "|") or is_macro(ns[q], r"\mid")
                             else 0)
        ok = len(parts) == 2 and len(parts[0]) == 3 and is_letter(parts[0][0], "Y") and \
            is_char(parts[0][1], "=") and isinstance(parts[0][2], Tok) and \
            parts[0][2].text in ("0", "1")
        idx = self._outcome(parts[1], ctx) if ok else False
        if not ok or not idx:
            return None  # p_\theta(x), p_\theta(y | x): a function of its arguments
        value = self.names.model_probability[idx[0]]
        return value if parts[0][2].text == "1" else 1 - value

    def _distribution(self, nodes: list, ctx: Ctx, any_name: bool = False):
        nodes = [t for t in nodes if not is_macro(t, *SPACING)]
        if len(nodes) == 1 and is_letter(nodes[0]) and nodes[0].text in self.names.distributions:
            return self.names.distributions[nodes[0].text]
        if (len(nodes) == 2 and is_letter(nodes[0], "p", "q") and is_paren(nodes[1])
                and self._outcome(nodes[1].children, ctx) is None):
            return self.names.distributions[nodes[0].text]
        if any_name and self.names is PLAIN_NAMES and nodes and isinstance(nodes[0], Tok) and \
                not nodes[0].kind == "number":
            # In a document any one name is a distribution where H or D_KL takes it (u, \hat{p},
            # q_\theta); what it is, the document's symbol table says.
            try:
                value, end = self.identifier(nodes, 0, ctx)
            except Fail:
                return None
            if end == len(nodes) and isinstance(value, sp.Symbol) and not value.is_integer:
                return self.names.family(value.name)
            if end == len(nodes) and isinstance(value, sp.Indexed) and \
                    value.indices == (AXIS,):  # H(\mathbf{p}): the vector's entries
                return value.base
        return None

    def apply_entropy(self, name: str, group: Group, ctx: Ctx):
        value = joint.entropy(self, group.children, ctx)  # H(X, Y), H(Y | X), H(Y) ...
        if value is not None:
            return value
        args, _ = split_top(group.children, lambda ns, q: 1 if is_char(ns[q], ",") else 0)
        # one name is a distribution; H(y, \hat{y}) of two keeps its label-probability reading
        dists = [self._distribution(a, ctx, any_name=len(args) == 1 or _pq(a)) for a in args]
        if len(args) == 1 and dists[0] is not None:
            return Entropy(dists[0])
        if len(args) == 2 and None not in dists:
            return CrossEntropy(*dists)
        if len(args) == 2 and dists == [None, None]:
            a, b = (self.expression(a, ctx, group.start) for a in args)
            return BinaryCrossEntropy(a, b)
        raise Fail("H(...) takes a distribution (H(p), H(p(x)), H(X)), two distributions "
                   "(H(p, q)) or a label and a probability (H(y_i, \\hat{y}_i))", group.start)

    def apply_kl(self, name: str, group: Group, ctx: Ctx, strict: bool = True):
        def bars(ns, q):
            if is_char(ns[q], "|") and q + 1 < len(ns) and is_char(ns[q + 1], "|"):
                return 2
            return 1 if is_macro(ns[q], r"\|", r"\parallel", r"\Vert") else 0
        args, _ = split_top(group.children, bars)
        dists = [self._distribution(a, ctx, any_name=True) for a in args]
        if len(args) == 2 and None not in dists:
            return KLDivergence(*dists)
        value = joint.divergence(self, args, ctx, group.start) if len(args) == 2 else None
        if value is not None:
            return value
        coins = [self._coin_parameter(a, ctx) for a in args]
        if len(args) == 2 and None not in coins:
            return BinaryKL(*coins)
        if len(args) == 2 and self.names is PLAIN_NAMES and all(args):
            # D(1 - a || 1 - b): no distribution is an expression, so these are two coins
            return BinaryKL(*(self.expression(a, ctx, start_of(a, group.start)) for a in args))
        if not strict:
            return None
        raise Fail("D_{KL}(...) takes two distributions: D_{KL}(p || q)", group.start)

    def _coin_parameter(self, nodes: list, ctx: Ctx):
        r"""The parameter of ``\mathrm{Bern}(a)`` (a Bernoulli distribution), else None."""
        nodes = [t for t in nodes if not is_macro(t, *SPACING)]
        if len(nodes) == 2 and is_macro(nodes[0], r"\mathrm", r"\operatorname", r"\text") and \
                nodes[0].arg is not None and nodes[0].arg.strip() in BERNOULLI and \
                is_paren(nodes[1]) and nodes[1].children:
            return self.expression(nodes[1].children, ctx, nodes[1].start + 1)
        return None

    def apply_cross_entropy(self, name: str, group: Group, ctx: Ctx, strict: bool = True):
        r"""\mathrm{CE}(p, q): the cross-entropy of two distributions."""
        args, _ = split_top(group.children, lambda ns, q: 1 if is_char(ns[q], ",") else 0)
        dists = [self._distribution(a, ctx) for a in args]
        if len(args) == 2 and None not in dists:
            return CrossEntropy(*dists)
        if not strict:
            return None
        raise Fail(f"{name}(...) takes two distributions: {name}(p, q)", group.start)

    def apply_quantity(self, name: str, label, group, ctx: Ctx):
        r"""A spelling of :data:`xentsym.read.quantities.SPELLINGS` applied to ``group``;
        None when it is no such spelling, or one that is also an ordinary function name
        (``\mathrm{KL}(a \| b)``) applied to other arguments than distributions."""
        kind = SPELLINGS.get((name, label))
        if kind is None or not is_paren(group):
            return None
        handler = _QUANTITY_READERS[kind]
        if (name, label) in ONLY_OF_DISTRIBUTIONS:
            return handler(self, name, group, ctx, strict=False)
        return handler(self, name, group, ctx)

    def apply_information(self, name: str, group: Group, ctx: Ctx):
        """I(x_0) -> I of p(x_0); I(prob), e.g. I(p(x_0)) as printed, -> I of that prob;
        I(X; Y) -> the mutual information."""
        value = joint.information(self, group.children, ctx)
        if value is not None:
            return value
        value = self._outcome_probability("p", group.children, ctx)
        if value is None:
            value = self.expression(group.children, ctx, group.start + 1)
        return InformationContent(value)

    def apply_sigmoid(self, name: str, group: Group, ctx: Ctx):
        r"""\sigma(z) -> Sigmoid(z), the logistic function."""
        args, _ = split_top(group.children, lambda ns, q: 1 if is_char(ns[q], ",") else 0)
        if len(args) != 1:
            raise Fail(r"\sigma(...) (the sigmoid) takes one argument", group.start)
        return Sigmoid(self.expression(group.children, ctx, group.start + 1))

    def _law(self, name: str, args: list, sides: list, ctx: Ctx):
        """``P(X = k)`` for a random variable X whose law is a distribution (X ~ p): the
        entry ``p_k``, as ``p(k)`` reads; None otherwise."""
        var = [t for t in sides[0] if not is_macro(t, *SPACING)]
        if name != "P" or len(args) != 1 or self.names is not PLAIN_NAMES or len(var) != 1 \
                or not is_letter(var[0]) or var[0].text not in self.names.distributions \
                or not var[0].text.isupper():
            return None
        value = self.expression(sides[1], ctx, start_of(sides[1], var[0].start))
        if not (isinstance(value, sp.Symbol) and value.is_integer):
            return None
        return self.names.distributions[var[0].text][value]

    def generic_function(self, name: str, group: Group, ctx: Ctx):
        def sep(ns, q):
            if is_char(ns[q], "|") and q + 1 < len(ns) and is_char(ns[q + 1], "|"):
                return 2  # p || q
            return 1 if (is_char(ns[q], ",", ";", "|")
                         or is_macro(ns[q], r"\mid", r"\|", r"\parallel", r"\Vert")) else 0
        args, _ = split_top(group.children, sep)
        values = []
        for arg in args:
            if not arg:
                raise Fail(f"an argument of {name}(...) is missing", group.start)
            sides, ops = split_top(arg, lambda ns, q: 1 if is_char(ns[q], "=") else 0)
            if len(ops) > 1:
                raise Fail("an argument holds more than one '='", ops[1].start)
            if ops:  # the event Y = v: the function is taken at the value v
                if not sides[0]:
                    raise Fail("an event needs a variable before '='", ops[0].start)
                law = self._law(name, args, sides, ctx)
                if law is not None:
                    return law
                arg = sides[1]
            values.append(self.expression(arg, ctx, start_of(arg, group.start)))
        return sp.Function(name, real=True)(*values)


def _pq(nodes: list) -> bool:
    """A name spelled with p or q (P, \\hat{p}, q_\\theta): a distribution in H(P, q_\\theta),
    where H(y, \\hat{y}) of other letters is a label and a probability."""
    nodes = [t for t in nodes if not is_macro(t, *SPACING)]
    if not nodes or not isinstance(nodes[0], Tok):
        return False
    head = nodes[0]
    if head.kind == "letter":
        return head.text in "pqPQ"
    if head.kind == "macro" and len(nodes) > 1 and isinstance(nodes[1], Group):
        inner = nodes[1].children
        return bool(inner) and is_letter(inner[0]) and inner[0].text in "pqPQ"
    return False


_QUANTITY_READERS: dict[str, Callable] = {
    "kl": AppliedMixin.apply_kl,
    "entropy": AppliedMixin.apply_entropy,
    "cross-entropy": AppliedMixin.apply_cross_entropy,
}
APPLICATIONS: dict[tuple, Callable] = {
    ("p", None): AppliedMixin.apply_outcome,
    ("q", None): AppliedMixin.apply_outcome,
    ("p", "theta"): AppliedMixin.apply_model_probability,
    ("P", None): AppliedMixin.apply_bound_outcome,
    ("Q", None): AppliedMixin.apply_bound_outcome,
    ("I", None): AppliedMixin.apply_information,
    ("sigma", None): AppliedMixin.apply_sigmoid,
    ("sigmoid", None): AppliedMixin.apply_sigmoid,  # \operatorname{sigmoid}, \mathrm{sigmoid}
    # H, D_{KL}, \mathrm{KL}, \mathrm{CE} ...: the table of xentsym.read.quantities
    **{key: (lambda self, name, group, ctx, key=key:
             self.apply_quantity(key[0], key[1], group, ctx)) for key in SPELLINGS},
}
