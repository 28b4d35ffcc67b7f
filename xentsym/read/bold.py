r"""Reading vector notation: bold names, transposes, norms and gradients (:mod:`.vectors`).

``\mathbf{x}``, ``\boldsymbol{\theta}``, ``\bm{x}``, ``\vec{w}``, ``\hat{\mathbf{y}}`` and
``\mathbf{\hat{y}}`` are the vectors whose entries are ``x_j``, ``\theta_j``, ``\hat{y}_j``:
the family of the same letter. ``\mathbf{x}_i`` and ``\mathbf{x}^{(i)}`` are the vector of
sample ``i`` (entries ``x_{i,j}``). A bold capital is a matrix, which is not read.
"""
from __future__ import annotations

import re

import sympy as sp

from . import vectors
from .nodes import Ctx, arg_nodes, is_char, is_macro
from .tables import ACCENTS, GREEK, SPACING
from .tokens import Fail, Group, Tok

BOLD_RAW = frozenset({r"\mathbf", r"\boldsymbol", r"\pmb"})  # read with a raw argument
BOLD_GROUP = frozenset({r"\bm", r"\vec", r"\mathbold"})  # followed by a braced group
TRANSPOSE = frozenset({r"\top", r"\intercal", r"\mathsf{T}", r"\mathrm{T}", "T", r"\text{T}",
                       r"\operatorname{T}"})
_ACCENT_INSIDE = re.compile(r"\\(hat|widehat|bar|overline|tilde|widetilde)\s*\{?\s*(\\?[A-Za-z]+)"
                            r"\s*\}?")


def _letter(text: str, at: int) -> str:
    r"""The name of one bold letter (``x``, ``\theta``, ``\hat{y}``); a capital is a matrix."""
    text = text.strip()
    m = _ACCENT_INSIDE.fullmatch(text)
    if m is not None:
        return _letter(m.group(2), at) + ACCENTS["\\" + m.group(1)]
    if text.startswith("\\") and text[1:] in GREEK and text[1].islower():
        return text[1:]
    if re.fullmatch(r"[a-z]", text) or text == "1":  # \mathbf{1}: the vector of ones
        return text
    if re.fullmatch(r"\\?[A-Z][A-Za-z]*", text):
        raise Fail(rf"matrices (a bold capital such as \mathbf{{{text}}}) are not read; write "
                   "the entries with indices", at)
    raise Fail(f"a bold name must be one letter, not '{text}'", at)


def _text(nodes: list) -> str:
    """The source text of simple nodes (letters and macros), for :func:`_letter`."""
    out = []
    for n in nodes:
        if isinstance(n, Group):
            out.append("{" + _text(n.children) + "}")
        elif isinstance(n, Tok):
            out.append(n.text + ("{" + n.arg + "}" if n.arg is not None else "") + " ")
    return "".join(out)


def is_bold(node) -> bool:
    """Whether a token starts a bold name."""
    return isinstance(node, Tok) and node.kind == "macro" and node.text in BOLD_RAW | BOLD_GROUP


def is_transpose(nodes: list) -> bool:
    r"""Whether the argument of ``^`` is a transpose mark (``^\top``, ``^T``, ``^{\mathsf{T}}``)."""
    return _text(nodes).strip() in TRANSPOSE


def outer_product(nodes: list) -> int | None:
    r"""The offset of a transposed vector that follows a plain one in one product
    (``\mathbf{x}\mathbf{x}^\top``, ``\mathbf{x} \cdot \mathbf{x}^\top``): an outer product, a
    matrix, which is not read (its reading as a dot product would be wrong)."""
    plain, k, n = False, 0, len(nodes)
    while k < n:
        node = nodes[k]
        starts = is_bold(node) or (isinstance(node, Tok) and node.kind == "macro" and
                                   node.text in ACCENTS and k + 1 < n and _holds_bold(nodes[k + 1]))
        if not starts:
            if is_char(node, "+", "-"):
                plain = False  # a new term
            k += 1
            continue
        at = node.start
        k += 1 if (isinstance(node, Tok) and node.text in BOLD_RAW) else 2
        transposed = False
        while k + 1 < n and is_char(nodes[k], "_", "^"):
            if is_char(nodes[k], "^"):
                arg = nodes[k + 1].children if isinstance(nodes[k + 1], Group) else [nodes[k + 1]]
                transposed = transposed or is_transpose(arg)
            k += 2
        if transposed and plain:
            return at
        plain = plain or not transposed
    return None


def _holds_bold(node) -> bool:
    inner = node.children if isinstance(node, Group) else [node]
    return bool(inner) and is_bold(inner[0])


class BoldMixin:
    """Bold names, their accents, and the operators only vectors have (norm, gradient)."""

    def bold_base(self, nodes: list, k: int) -> tuple[str, int] | None:
        """``(letter, next k)`` when nodes[k] starts a bold name, possibly under an accent."""
        node = nodes[k]
        if not isinstance(node, Tok) or node.kind != "macro":
            return None
        if node.text in ACCENTS and k + 1 < len(nodes):
            inner = nodes[k + 1].children if isinstance(nodes[k + 1], Group) else [nodes[k + 1]]
            if len(inner) >= 1 and is_bold(inner[0]):
                found = self.bold_base(inner, 0)
                if found is not None and found[1] == len(inner):
                    return found[0] + ACCENTS[node.text], k + 2
            return None
        if node.text in BOLD_RAW:
            return _letter(node.arg or "", node.start), k + 1
        if node.text in BOLD_GROUP:
            inner = arg_nodes(nodes, k + 1, node.text, node.start)
            return _letter(_text(inner), node.start), k + 2
        return None

    def bold(self, name: str, indices, start: int) -> sp.Expr:
        """The entry of the bold ``name`` at the vector axis."""
        if name == "1":
            return vectors.entry(vectors.ONES)
        return vectors.entry(self.names.family(name), tuple(indices or ()))

    def norm(self, nodes: list, k: int, ctx: Ctx) -> tuple[sp.Expr, int]:
        r"""``\|v\|``, ``\left\| v \right\|`` and ``\lVert v \rVert`` (with an optional
        ``_2``): the Euclidean norm; ``\left| x \right|`` the absolute value."""
        node = nodes[k]
        if isinstance(node, Group):
            inner, end = node.children, k + 1
        else:
            end = next((j for j in range(k + 1, len(nodes))
                        if is_macro(nodes[j], r"\|", r"\Vert")), None)
            if end is None:
                raise Fail(f"'{node.text}' opens a norm that is never closed", node.start)
            inner, end = nodes[k + 1:end], end + 1
        if not inner:
            raise Fail("an empty norm", node.start)
        value = self.expression(inner, ctx, inner[0].start)
        if isinstance(node, Group) and node.kind == "abs":
            return sp.Abs(value), end
        if end + 1 < len(nodes) and is_char(nodes[end], "_"):
            sub = arg_nodes(nodes, end + 1, "'_'", nodes[end].start)
            if not (len(sub) == 1 and isinstance(sub[0], Tok) and sub[0].text == "2"):
                raise Fail("only the Euclidean norm (\\|x\\|_2) is read", nodes[end].start)
            end += 2
        try:
            return vectors.norm(value), end
        except vectors.VectorError as exc:
            raise Fail(str(exc), node.start) from None

    def softmax(self, nodes: list, k: int, ctx: Ctx):
        r"""``\operatorname{softmax}(\mathbf{z})_k``: ``e^{z_k} / \sum_j e^{z_j}``; without the
        subscript the vector of those entries (read entry by entry). None when the argument
        is no vector (softmax(a + b) stays a function of its argument)."""
        group = nodes[k]
        arg = self.expression(group.children, ctx, group.start + 1)
        if isinstance(arg, sp.Symbol) and not arg.is_integer:
            arg = vectors.entry(self.names.family(arg.name))  # softmax(z): z is a vector
        if not vectors.is_vector(arg):
            return None
        at, end = vectors.AXIS, k + 1
        if end + 1 < len(nodes) and is_char(nodes[end], "_"):
            items = self._index_items(arg_nodes(nodes, end + 1, "'_'", nodes[end].start), ctx)
            if not items or len(items) != 1:
                raise Fail("softmax(...)_k takes one index", nodes[end].start)
            at, end = self._index_value(items[0], ctx), end + 2
        return vectors.softmax_entry(arg, at), end

    def nabla(self, nodes: list, k: int, ctx: Ctx) -> sp.Expr:
        r"""``\nabla_{\mathbf{w}} f``: the vector of partial derivatives, read entry by entry
        (``\partial f / \partial w_j``); ``\nabla_\theta f`` of a scalar is ``df/d\theta``."""
        node = nodes[k]
        if k + 2 >= len(nodes) or not is_char(nodes[k + 1], "_"):
            raise Fail(r"write the variable of a gradient as a subscript: \nabla_{\mathbf{w}} f",
                       node.start)
        sub = arg_nodes(nodes, k + 1 + 1, r"\nabla", node.start)
        var, end = self.identifier(sub, 0, ctx)
        if end != len(sub) or not isinstance(var, (sp.Symbol, sp.Indexed)):
            raise Fail("a gradient is taken with respect to one variable", node.start)
        body = nodes[k + 3:]
        while body and is_macro(body[0], *SPACING):
            body = body[1:]
        if not body:
            raise Fail("the gradient has nothing to differentiate after it", node.start)
        return sp.Derivative(self.term(body, ctx), var)


__all__ = ["BoldMixin", "is_bold", "is_transpose"]
