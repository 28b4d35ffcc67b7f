"""Reading derivatives: the operator \\frac{d}{d x}, Leibniz's \\frac{dL}{dw} and their order."""
from __future__ import annotations

import sympy as sp

from .bold import is_bold
from .leibniz import is_single_name, numerator_name
from .nodes import Ctx, arg_nodes, brace_children, derivative_sign, is_char, is_macro, starts_name
from .tables import SPACING
from .tokens import Fail, Group, Tok

MAX_DERIVATIVE_ORDER = 10  # highest total order of a derivative


class CalculusMixin:
    """Derivatives; their variables and operands are read by the identifier and term readers."""

    def derivative(self, nodes: list, k: int, ctx: Ctx) -> sp.Derivative:
        r"""\frac{d}{d x} rest, \frac{\partial^{2}}{\partial y \partial x} rest -> Derivative."""
        node = nodes[k]
        num, den = brace_children(nodes[k + 1]), brace_children(nodes[k + 2])
        sign = derivative_sign(num[0])
        written = "d" if sign == "d" else r"\partial"
        order = None
        order_nodes, at = numerator_name(num, lambda t: is_char(t, "^"))
        if order_nodes:
            order = self._derivative_order(brace_children(order_nodes[0]), num[1].start)
        name = self._leibniz_name(num[at:], ctx)
        if name is False:  # \frac{\partial \log \sigma(z)}{\partial z}: all of it
            name = self._numerator(num[at:], ctx, written, num[0].start)
        variables: list[tuple] = []
        j = 0
        while j < len(den):
            if derivative_sign(den[j]) != sign:
                raise Fail(f"each variable of the derivative needs {written} before it",
                           den[j].start)
            at = den[j].start
            j += 1
            if j < len(den) and isinstance(den[j], Group) and den[j].kind == "brace" and \
                    den[j].children:  # \partial{\theta_j}: braces only group
                den = den[:j] + list(den[j].children) + den[j + 1:]
            if j >= len(den) or not (starts_name(den[j]) or is_macro(den[j])):
                raise Fail(f"a variable is missing after {written} in the derivative", at)
            at = den[j].start
            if is_bold(den[j]) and any(is_bold(t) for t in den[j + 1:]):
                raise Fail("a second derivative by a vector (a Hessian) is a matrix; matrices "
                           "are not read", den[j].start)
            if starts_name(den[j]) or is_bold(den[j]):  # by a bold name: entry by entry
                var, j = self.identifier(den, j, ctx)
            else:
                var, j = None, j + 1
            if not isinstance(var, (sp.Symbol, sp.Indexed)):
                what = den[j - 1].text if var is None else sp.sstr(var)
                raise Fail(f"a derivative is taken with respect to a variable, not {what}",
                           at)
            count = 1
            if j < len(den) and is_char(den[j], "^"):
                count = self._derivative_order(arg_nodes(den, j + 1, "'^'", den[j].start),
                                               den[j].start)
                j += 2
            variables.append((var, count))
        total = sum(c for _, c in variables)
        if total > MAX_DERIVATIVE_ORDER:
            raise Fail(f"derivatives of order above {MAX_DERIVATIVE_ORDER} are not read",
                       node.start)
        if (order or 1) != total:
            raise Fail(f"the order of the derivative ({order or 1}) does not match its "
                       f"variables ({total})", node.start)
        if name is not None:  # Leibniz: \frac{\partial L}{\partial w}
            return sp.Derivative(name, *reversed(variables))
        body = nodes[k + 3:]
        while body and is_macro(body[0], *SPACING):
            body = body[1:]
        if not body:
            raise Fail("the derivative has nothing to differentiate after it", node.start)
        if is_char(body[0], "+", "-"):
            raise Fail("put a signed operand of a derivative in brackets: "
                       r"\frac{d}{d x} \left(- x\right)", body[0].start)
        # the printer writes the variables of d^2/(dy dx) f in reverse order
        return sp.Derivative(self.term(body, ctx), *reversed(variables))

    def partial_operator(self, nodes: list, k: int, ctx: Ctx) -> sp.Derivative:
        r"""\partial_z f, \partial_{z_i} L, \partial_\theta^2 f: read as
        \frac{\partial}{\partial z} f (the operand runs to the end of the term)."""
        node = nodes[k]
        var = order = None
        j = k + 1
        while j + 1 < len(nodes) and is_char(nodes[j], "_", "^"):
            if nodes[j].text == "_" and var is None:
                var = arg_nodes(nodes, j + 1, r"\partial_", node.start)
            elif nodes[j].text == "^" and order is None:
                order = nodes[j + 1]
            else:
                raise Fail(r"\partial takes one subscript and one order: \partial_z^2 f",
                           nodes[j].start)
            j += 2
        if not var:
            raise Fail(r"write the variable of \partial below it: \partial_z f", node.start)
        at = node.start
        num = [Tok("macro", r"\partial", at, node.end)]
        den = [Tok("macro", r"\partial", at, node.end), *var]
        if order is not None:
            num += [Tok("char", "^", at, at), order]
            den += [Tok("char", "^", at, at), order]
        frac = [Tok("macro", r"\frac", at, node.end), Group("brace", num, at, at),
                Group("brace", den, at, at)]
        return self.derivative(frac + list(nodes[j:]), 0, ctx)

    def _leibniz_name(self, nodes: list, ctx: Ctx):
        """The one name of a numerator \\partial L (None when there is none, False when the
        numerator holds something else): :mod:`xentsym.read.leibniz`."""
        if not nodes:
            return None
        if not starts_name(nodes[0]):
            return False
        value, end = self.identifier(nodes, 0, ctx)
        return value if end == len(nodes) and is_single_name(value) else False

    def _numerator(self, nodes: list, ctx: Ctx, written: str, at: int) -> sp.Expr:
        r"""What a numerator differentiates when it is more than a name: the whole rest of
        it (``\partial \log \sigma(A_k)``, ``d (x^2)``, ``\partial{l(\theta)}``), as
        a fraction's numerator is one quantity. Refused: a signed one (``d -x``), and one
        that reads as a constant (``d e``: the author's variable e, most likely)."""
        while nodes and is_macro(nodes[0], *SPACING):
            nodes = nodes[1:]
        if not nodes or is_char(nodes[0], "+", "-"):
            raise Fail(rf"write a derivative as \frac{{{written}}}{{{written} x}} f or "
                       rf"\frac{{{written} f}}{{{written} x}}", nodes[0].start if nodes else at)
        if len(nodes) == 1 and isinstance(nodes[0], Group) and nodes[0].kind == "brace":
            nodes = nodes[0].children  # \partial{l(\theta)}: braces only group
        value = self.expression(nodes, ctx, nodes[0].start)
        if not value.free_symbols:  # \frac{d e}{dx}: a name read as a constant, surely
            raise Fail(rf"the numerator of {written}/{written}x reads as a constant "
                       f"({sp.sstr(value)}), not one name", nodes[0].start)
        return value

    @staticmethod
    def _derivative_order(nodes: list, at: int) -> int:
        if len(nodes) == 1 and isinstance(nodes[0], Tok) and nodes[0].kind == "number" \
                and nodes[0].text.isdigit() and len(nodes[0].text) <= 3:
            value = int(nodes[0].text)
            if value >= 1:
                return value
        raise Fail("the order of a derivative must be a whole number such as 2", at)
