r"""Expectations over a finite distribution, read as the weighted sum they abbreviate.

``\mathbb{E}_{x \sim p}[f(x)]`` means ``\sum_{x} p(x) f(x)``, and it is read exactly as the
reader reads that sum (same range, same entries ``p(x)``), so the two spellings compare equal.
Heads:
``\mathbb{E}``, ``\operatorname{\mathbb{E}}``, ``\mathop{\mathbb{E}}``; a bare ``E``,
``\mathrm{E}`` or ``\operatorname{E}`` only with a ``\sim`` subscript (elsewhere it is a name or
a function). Subscripts:

* ``x \sim p``, ``x \sim p(x)``, ``X \sim P``, ``x \sim q_\theta``: the variable and the law;
* ``p``: the law alone; the variable is the argument of ``p(...)`` in the body, or else the
  outcome letter x (``\mathbb{E}_p[f(x)]``);
* none: the body must name the law of its random variable through ``p(X)``
  (``\mathbb{E}[-\log p(X)]``); ``q(X)`` alone does not say the law of X, so it is refused;
* ``X \sim \mathrm{Bern}(\theta)``: ``\theta f(1) + (1 - \theta) f(0)``.

The body is the bracket after the head: ``[...]``, ``\left[...\right]``, ``\big[...\big]``,
``(...)``. Any other law (``(x, y) \sim D``, a density) is refused with a located message.
"""
from __future__ import annotations

import sympy as sp

from .nodes import Ctx, arg_nodes, is_char, is_letter, is_macro, is_paren
from .tables import SPACING
from .tokens import Env, Fail, Group, Tok

# Letters read as a finite distribution over the outcomes x (the reader's p(x), P(x)).
LAWS = frozenset({"p", "q", "P", "Q"})
# Names of the Bernoulli law, in \mathrm, \text or \operatorname.
BERNOULLI = frozenset({"Bern", "Bernoulli", "Ber"})
_WORDS = (r"\mathrm", r"\text", r"\operatorname", r"\textrm", r"\mathit")
_LAW_HINT = (r"an expectation is read over a finite distribution p, q, P or Q "
             r"(\mathbb{E}_{x \sim p}[...]) or a Bernoulli law")


def _word(node) -> str | None:
    return node.arg.strip() if is_macro(node, *_WORDS, r"\mathbb") and node.arg else None


def head_width(nodes: list, k: int) -> int:
    """How many nodes the expectation sign at ``nodes[k]`` takes; 0 when there is none."""
    node = nodes[k]
    if is_macro(node, r"\mathbb") and _word(node) == "E":
        return 1
    if is_macro(node, r"\operatorname") and _word(node) == r"\mathbb{E}":
        return 1
    if is_macro(node, r"\mathop") and k + 1 < len(nodes) and isinstance(nodes[k + 1], Group) \
            and nodes[k + 1].kind == "brace" and len(nodes[k + 1].children) == 1 \
            and _word(nodes[k + 1].children[0]) == "E":
        return 2
    if is_letter(node, "E") or (is_macro(node, r"\mathrm", r"\operatorname")
                                and _word(node) == "E"):
        j = k + 1
        if j + 1 < len(nodes) and is_char(nodes[j], "_"):
            sub = nodes[j + 1]
            if isinstance(sub, Group) and any(is_macro(t, r"\sim") for t in sub.children):
                return 1
    return 0


def _plain(nodes: list) -> list:
    return [t for t in nodes if not is_macro(t, *SPACING)]


def _single_letter(group) -> str | None:
    inner = _plain(group.children) if is_paren(group) else []
    return inner[0].text if len(inner) == 1 and is_letter(inner[0]) else None


def _applications(nodes: list):
    """(name letter, argument letter) for each letter applied to a one-letter bracket."""
    for q, node in enumerate(nodes):
        if isinstance(node, (Group, Env)):
            yield from _applications(node.children)
        if is_letter(node) and q + 1 < len(nodes):
            arg = _single_letter(nodes[q + 1])
            if arg is not None:
                yield node.text, arg


def _rename(nodes: list, old: str, new: str) -> list:
    """A copy of the nodes with every letter ``old`` written ``new``."""
    out = []
    for node in nodes:
        if is_letter(node, old):
            node = Tok("letter", new, node.start, node.end)
        elif isinstance(node, Group):
            node = Group(node.kind, _rename(node.children, old, new), node.start, node.end)
        elif isinstance(node, Env):
            node = Env(node.name, _rename(node.children, old, new), node.start, node.end)
        out.append(node)
    return out


def _mentions(nodes: list, letter: str) -> bool:
    return any(is_letter(t, letter) or (isinstance(t, (Group, Env))
                                        and _mentions(t.children, letter)) for t in nodes)


class ExpectationsMixin:
    """\\mathbb{E} over a finite law; the weighted sum is read by :meth:`big_operator`."""

    def expectation(self, nodes: list, k: int, ctx: Ctx) -> tuple[sp.Expr, int]:
        head = nodes[k]
        j = k + head_width(nodes, k)
        sub = None
        while j < len(nodes) and is_macro(nodes[j], *SPACING, r"\limits", r"\nolimits"):
            j += 1
        if j < len(nodes) and is_char(nodes[j], "_"):
            sub = _plain(arg_nodes(nodes, j + 1, "the expectation's subscript", head.start))
            j += 2
        while j < len(nodes) and is_macro(nodes[j], *SPACING):
            j += 1
        if j >= len(nodes) or not (isinstance(nodes[j], Group)
                                   and nodes[j].kind in ("bracket", "paren")):
            raise Fail(r"write the argument of an expectation in brackets: "
                       r"\mathbb{E}_{x \sim p}[f(x)]", head.start)
        body = nodes[j]
        if not body.children:
            raise Fail("the expectation has an empty argument", body.start)
        var, law = self._expectation_law(sub, body, head.start)
        if law and _word(law[0]) in BERNOULLI:
            return self._bernoulli(var, law, body, ctx, head.start), j + 1
        return self._weighted_sum(var, law, body, ctx, head.start), j + 1

    def _expectation_law(self, sub, body: Group, at: int) -> tuple[str, list]:
        """The variable letter and the nodes of the law (without an argument ``(x)``)."""
        if sub is None:
            found = {(f, a) for f, a in _applications(body.children)
                     if f in ("p", "P") and a.isupper()}
            if len(found) != 1:
                raise Fail(r"an expectation without a subscript is read only when its argument "
                           r"names the law of its random variable, as in "
                           r"\mathbb{E}[-\log p(X)]; write \mathbb{E}_{x \sim p}[...]", at)
            law, var = found.pop()
            return var, [Tok("letter", law, at, at)]
        marks = [q for q, t in enumerate(sub) if is_macro(t, r"\sim")]
        if not marks:
            if not (sub and is_letter(sub[0]) and sub[0].text in LAWS):
                raise Fail(r"the subscript of an expectation names its law (\mathbb{E}_p) or "
                           r"its variable and law (\mathbb{E}_{x \sim p})", sub[0].start
                           if sub else at)
            name = sub[0].text
            args = {a for f, a in _applications(body.children) if f == name}
            if not args and _mentions(body.children, "x"):  # \mathbb{E}_p[f(x)]: the outcome x
                args = {"x"}  # (f(c) of another letter may be a constant: never guessed)
            if len(args) != 1:
                raise Fail(rf"cannot tell the variable of this expectation over {name}: write "
                           rf"\mathbb{{E}}_{{x \sim {name}}}[...]", sub[0].start)
            return args.pop(), sub
        left, law = sub[:marks[0]], sub[marks[0] + 1:]
        if len(left) != 1 or not is_letter(left[0]):
            raise Fail(r"an expectation over several variables or a continuous law is not "
                       "read; " + _LAW_HINT, sub[0].start)
        if law and is_paren(law[-1]) and _single_letter(law[-1]) == left[0].text:
            law = law[:-1]  # x \sim p(x)
        return left[0].text, law

    def _weighted_sum(self, var: str, law: list, body: Group, ctx: Ctx, at: int):
        if not law or not is_letter(law[0]) or law[0].text not in LAWS or (
                len(law) > 1 and not (len(law) == 3 and is_char(law[1], "_"))):
            raise Fail(_LAW_HINT, law[0].start if law else at)
        children = body.children
        if var != "x":  # the outcomes of p are x: X \sim p reads p(X) as the entry p(x)
            if _mentions(children, "x"):
                raise Fail(f"the argument of this expectation over {var} also uses x", at)
            children = _rename(children, var, "x")
        x = Tok("letter", "x", at, at)
        # \sum_{x} p(x) (body): the reader's own reading of the weighted sum
        nodes = [Tok("macro", r"\sum", at, at), Tok("char", "_", at, at), x, *law,
                 Group("paren", [x], at, at), Group("paren", children, body.start, body.end)]
        return self.big_operator(nodes, 0, ctx)

    def _bernoulli(self, var: str, law: list, body: Group, ctx: Ctx, at: int):
        """E_{X ~ Bern(theta)}[f(X)] = theta f(1) + (1 - theta) f(0)."""
        if len(law) != 2 or not is_paren(law[1]) or not law[1].children:
            raise Fail(r"write the Bernoulli law with its parameter: \mathrm{Bern}(\theta)",
                       law[0].start)
        theta = self.expression(law[1].children, ctx, law[1].start + 1)
        inner = ctx.binding(var)
        value = self.expression(body.children, inner, body.start + 1)
        symbol = self._resolve(var, None, None, inner, at)
        try:
            return theta * value.subs(symbol, 1) + (1 - theta) * value.subs(symbol, 0)
        except (TypeError, ValueError) as exc:
            raise Fail(f"cannot take this expectation at X = 0 and 1 ({exc})", at) from None
