"""Reading expressions and flat terms: binary + and -, units, products and the pieces of a term."""
from __future__ import annotations

import sympy as sp

from . import expectations, optimisers, vectors
from .applications import is_word_name
from .bold import is_bold, outer_product
from .bridge import MAX_FACTORIAL, check_number
from .ellipsis import ELLIPSES, is_ellipsis, is_written_product
from .nodes import (Ctx, arg_nodes, binds, is_char, is_derivative, is_letter, is_macro, is_operator,
                    is_paren, mentions, relation_of, start_of, starts_name, subscript_head)
from .quantities import blackboard_name
from .tables import (ACCENTS, BINOMIAL_MACROS, CONSTANT_MACROS, FRACTION_MACROS, FUNCTION_MACROS,
                     GREEK, NAME_MACROS, REJECTED, RELATIONS, SPACING)
from .tokens import Env, Fail, Group, Tok


class TermsMixin:
    """Expressions, terms and their pieces; the other mixins of :class:`.reader.Reader` read
    the constructs a term holds."""

    def expression(self, nodes: list, ctx: Ctx, at: int) -> sp.Expr:
        """A whole expression: terms joined by binary + and -."""
        if not nodes:
            raise Fail("an expression is missing here", at)
        for node in nodes:
            rel = relation_of(node)
            if rel:
                raise Fail(f"unexpected relation '{node.text}' inside an expression "
                           "(use parse_relation or parse_chain for relations)", node.start)
        terms = self._split_terms(nodes, at)
        values = []
        if any(is_ellipsis(nodes[lo:hi]) for _, _, lo, hi in terms):  # a_1 + \cdots + a_n
            values, terms = self.written_sums(nodes, terms, ctx, at)
        t = 0
        while t < len(terms):
            sign, lo, body_lo, hi = terms[t]
            var = self._leading_sum_var(nodes[body_lo:hi])
            while var and t + 1 < len(terms):
                _, nlo, nbody, nhi = terms[t + 1]
                nxt = nodes[nbody:nhi]
                if not mentions(nxt, var) or binds(nxt, var):
                    break
                self.warnings.append((
                    f"brackets seem to be missing: this term uses the summation index "
                    f"{var}, so it is read as part of the sum over {var}", nodes[nlo].start))
                hi = nhi
                t += 1
            value = self.term(nodes[body_lo:hi], ctx)
            values.append(-value if sign < 0 else value)
            t += 1
        try:  # a dot product is formed within its brackets: x (w^T x) stays a vector
            return vectors.contract(sp.Add(*values))
        except vectors.VectorError as exc:
            raise Fail(str(exc), at) from None

    @staticmethod
    def _leading_sum_var(nodes: list) -> str | None:
        for k, node in enumerate(nodes):
            if is_macro(node, r"\prod"):
                return None
            if is_macro(node, r"\sum"):
                head = subscript_head(nodes, k)
                return head.text if head is not None and is_letter(head) else None
        return None

    def _split_terms(self, nodes: list, at: int) -> list[tuple]:
        """(sign, start, body_start, end) for each term; + and - split only when binary."""
        terms = []
        k, n = 0, len(nodes)
        start, body, sign, expect = 0, None, 1, True
        unit_start = 0
        while k < n:
            node = nodes[k]
            if is_char(node, "+", "-"):
                if body is None and expect:  # leading sign of a term
                    if node.text == "-":
                        sign = -sign
                    k += 1
                    continue
                if not expect:  # binary: a new term starts
                    terms.append((sign, start, body, k))
                    start, body, sign, expect = k, None, (-1 if node.text == "-" else 1), True
                    k += 1
                    continue
                if body is None:
                    body = k
                k += 1  # unary inside the term (after \cdot, /, ...)
                continue
            if body is None:
                body = k
            unit_start = nodes[k].start
            width, expect = self._unit(nodes, k, expect)
            k += width
        if body is None:
            raise Fail("an expression is missing after this sign", nodes[-1].start if nodes
                       else at)
        if expect and not is_macro(nodes[-1], *SPACING):
            raise Fail("the expression ends with an operator, or a function or sum without "
                       "its argument", unit_start)
        terms.append((sign, start, body, n))
        return terms

    @staticmethod
    def _unit(nodes: list, k: int, expect: bool) -> tuple[int, bool]:
        """How many nodes form the next unit, and whether an operand is expected after."""
        node = nodes[k]
        n = len(nodes)
        if is_char(node, "*", "/") or is_macro(node, r"\cdot", r"\times"):
            return 1, True
        if is_char(node, "^", "_"):
            return (2 if k + 1 < n else 1), False
        if is_macro(node, *SPACING):
            return 1, expect
        if is_macro(node, r"\sum", r"\prod", r"\log", r"\ln", r"\arg"):
            j = k + 1
            while j < n and (is_macro(nodes[j], r"\limits", r"\nolimits", r"\max", r"\min")):
                j += 1
            while j + 1 < n and is_char(nodes[j], "^", "_"):
                j += 2
            return j - k, True
        if is_macro(node, *FUNCTION_MACROS):
            return 1, True
        if is_macro(node, *FRACTION_MACROS):
            # a derivative operator still needs its operand
            return min(3, n - k), is_operator(nodes, k)
        if is_macro(node, *BINOMIAL_MACROS):
            return min(3, n - k), False
        if is_macro(node, r"\sqrt"):
            j = k + 1
            if j < n and isinstance(nodes[j], Group) and nodes[j].kind == "bracket":
                j += 1
            return min(j + 1, n) - k, False
        if is_macro(node, *ACCENTS):
            return min(2, n - k), False
        return 1, False

    def term(self, nodes: list, ctx: Ctx) -> sp.Expr:
        """A flat product: notation constructs become placeholders, latex2sympy2 the rest."""
        parts: list[tuple[str, int]] = []
        holders: dict[str, tuple[sp.Expr, int]] = {}

        def hold(value, offset):
            name = f"v{self.counter}"
            self.counter += 1
            holders[name] = (value, offset)
            parts.append((rf"\variable{{{name}}}", offset))

        self._check_division(nodes)
        outer = outer_product(nodes)
        if outer is not None:
            raise Fail(r"an outer product (\mathbf{x}\mathbf{x}^\top) is a matrix; matrices are "
                       "not read", outer)
        if any(is_macro(t, *ELLIPSES) for t in nodes) and is_written_product(nodes):
            return self.written_product(nodes, ctx)  # y_1 y_2 \cdots y_N
        k, n = 0, len(nodes)
        while k < n:
            node = nodes[k]
            if isinstance(node, Group) and node.kind in ("norm", "abs"):
                value, k = self.norm(nodes, k, ctx)
                hold(value, node.start)
                continue
            if isinstance(node, Group):
                if not node.children:
                    raise Fail("empty brackets", node.start)
                hold(self.expression(node.children, ctx, node.start + 1), node.start)
                k += 1
                continue
            if isinstance(node, Env):
                hold(self.environment(node, ctx), node.start)
                k += 1
                continue
            if node.kind == "number":
                hold(self.number(node), node.start)
                k += 1
                continue
            if expectations.head_width(nodes, k):
                value, k = self.expectation(nodes, k, ctx)
                hold(value, node.start)
                continue
            if node.kind == "letter" or self._starts_identifier(node):
                value, k = self.identifier(nodes, k, ctx)
                hold(value, node.start)
                continue
            if node.kind == "char":
                c = node.text
                if c in "+-":
                    parts.append((c, node.start))
                elif c == "*":
                    parts.append((r"\cdot", node.start))
                elif c == "/":
                    parts.append(("/", node.start))
                elif c == "!":
                    parts.append(("!", node.start))
                elif c == "^":
                    exp_nodes = arg_nodes(nodes, k + 1, "'^'", node.start)
                    self._reject_transpose(exp_nodes, node.start)
                    parts.append(("^{", node.start))
                    hold(self.exponent(exp_nodes, ctx, node.start), node.start + 1)
                    parts.append(("}", node.start))
                    k += 2
                    continue
                elif c == "_":
                    raise Fail("a subscript without anything to attach it to", node.start)
                elif c == "|":
                    raise Fail("'|' is only read inside p(. | .), P(. | .) and "
                               "D_{KL}(p || q); absolute values are not supported",
                               node.start)
                elif c in ",;":
                    raise Fail(f"unexpected '{c}' (lists and tuples are not formulas)",
                               node.start)
                elif c == "&":
                    raise Fail("'&' is only allowed in an aligned chain or in cases",
                               node.start)
                elif c == "'":
                    raise Fail("primes (') are not supported", node.start)
                else:
                    raise Fail(f"unexpected '{c}'", node.start)
                k += 1
                continue
            # macros
            m = node.text
            if m in SPACING:
                k += 1
            elif m in (r"\cdot", r"\times"):
                parts.append((r"\cdot", node.start))
                k += 1
            elif m in CONSTANT_MACROS:
                hold(CONSTANT_MACROS[m], node.start)
                k += 1
            elif m in FRACTION_MACROS and is_derivative(nodes, k):
                hold(self.derivative(nodes, k, ctx), node.start)
                # an operator's operand runs to the end of the term; dL/dw is one factor
                k = n if is_operator(nodes, k) else k + 3
            elif m in BINOMIAL_MACROS:
                top = arg_nodes(nodes, k + 1, m, node.start)
                bottom = arg_nodes(nodes, k + 2, m, node.start)
                hold(self.binomial(self.expression(top, ctx, start_of(top, node.start)),
                                   self.expression(bottom, ctx, start_of(bottom, node.start)),
                                   node.start), node.start)
                k += 3
            elif m in FRACTION_MACROS:
                num = arg_nodes(nodes, k + 1, m, node.start)
                den = arg_nodes(nodes, k + 2, m, node.start)
                parts.append((r"\frac{", node.start))
                hold(self.expression(num, ctx, node.start), start_of(num, node.start))
                parts.append(("}{", node.start))
                hold(self.expression(den, ctx, node.start), start_of(den, node.start))
                parts.append(("}", node.start))
                k += 3
            elif m == r"\sqrt":
                j = k + 1
                index = None
                if j < n and isinstance(nodes[j], Group) and nodes[j].kind == "bracket":
                    index = self.expression(nodes[j].children, ctx, nodes[j].start)
                    j += 1
                arg = arg_nodes(nodes, j, r"\sqrt", node.start)
                if index is None:
                    parts.append((r"\sqrt{", node.start))
                else:
                    parts.append((r"\sqrt[", node.start))
                    hold(index, node.start)
                    parts.append(("]{", node.start))
                hold(self.expression(arg, ctx, node.start), start_of(arg, node.start))
                parts.append(("}", node.start))
                k = j + 1
            elif m in (r"\log", r"\ln"):
                k = self._log(nodes, k, ctx, parts, hold)
            elif m in FUNCTION_MACROS:  # \exp, \tanh, ...
                fn = FUNCTION_MACROS[m]
                if k + 1 < n and is_char(nodes[k + 1], "^", "_"):
                    raise Fail(rf"write a power of {m} as ({m} x)^{{2}} ({m}^{{-1}} would be "
                               "its inverse)", node.start)
                if k + 1 < n and is_paren(nodes[k + 1]):
                    g = nodes[k + 1]
                    hold(fn(self.expression(g.children, ctx, g.start)), node.start)
                    k += 2
                else:
                    end = self._operand_end(nodes, k + 1, node)
                    hold(fn(self.term(nodes[k + 1:end], ctx)), node.start)
                    k = end
            elif m == r"\partial" and k + 1 < n and is_char(nodes[k + 1], "_", "^"):
                hold(self.partial_operator(nodes, k, ctx), node.start)
                k = n  # the operand runs to the end of the term, as after \frac{d}{dx}
            elif m in (r"\sum", r"\prod"):
                hold(self.big_operator(nodes, k, ctx), node.start)
                k = n  # the body runs to the end of the term
            elif m in (r"\arg", r"\argmax", r"\argmin") or (
                    m == r"\operatorname*" or m == r"\operatorname"):
                raise Fail(r"\arg\max / \arg\min is an optimiser, not a value: read it "
                           "with parse_objective or parse_chain", node.start)
            elif m == r"\\":
                raise Fail(r"a line break '\\' is only allowed in an aligned chain or in "
                           "cases", node.start)
            elif m in (r"\|", r"\Vert") and any(is_macro(t, m) for t in nodes[k + 1:]):
                value, k = self.norm(nodes, k, ctx)
                hold(value, node.start)
            elif m == r"\nabla":
                hold(self.nabla(nodes, k, ctx), node.start)
                k = n  # the operand runs to the end of the term
            elif m in (r"\|", r"\mid", r"\parallel", r"\Vert"):
                raise Fail(f"'{m}' is only read inside p(. {m} .) or D_{{KL}}(p {m} q)",
                           node.start)
            elif m in RELATIONS:
                raise Fail(f"unexpected relation '{m}' inside an expression", node.start)
            elif m in REJECTED:
                raise Fail(REJECTED[m], node.start)
            else:
                raise Fail(f"unknown or unsupported macro {m}", node.start)
        return self._latex2sympy(parts, holders, start_of(nodes, 0))

    def _check_division(self, nodes: list) -> None:
        r"""Refuse ``a / b c``: TeX prints ``a/bc``, which readers take for ``a/(bc)`` or for
        ``(a/b) c`` (``1/N \sum ...``, ``1/2 x``). A slash's right operand is one factor (with
        its sub/superscripts and the bracket of an application); what follows must be an
        operator."""
        n = len(nodes)
        for k, node in enumerate(nodes):
            if not is_char(node, "/"):
                continue
            j = k + 1
            while j < n and is_macro(nodes[j], *SPACING):
                j += 1
            if j >= n or is_char(nodes[j], "*", "/", "^", "_", "+", "-", "!") or \
                    is_macro(nodes[j], r"\cdot", r"\times"):
                continue  # no operand after the slash: reported where it is read
            named = isinstance(nodes[j], Tok) and starts_name(nodes[j])
            j += self._unit(nodes, j, True)[0]
            while j + 1 < n and is_char(nodes[j], "^", "_"):
                j += 2
            if named and j < n and isinstance(nodes[j], Group) and nodes[j].kind == "paren":
                j += 1  # p(x_i): an application, one factor
            while j < n and is_macro(nodes[j], *SPACING):
                j += 1
            if j < n and not (is_char(nodes[j], "*", "/", "^", "_", "!")
                              or is_macro(nodes[j], r"\cdot", r"\times")):
                raise Fail(r"ambiguous division: 'a / b c' reads as a/(b c) or as (a/b) c; "
                           r"write \frac{a}{b c} or \frac{a}{b} c", nodes[j].start)

    @staticmethod
    def _starts_identifier(node) -> bool:
        if node.kind != "macro":
            return False
        name = node.text
        return (name[1:] in GREEK or name in ACCENTS or name in NAME_MACROS or is_bold(node)
                or (name == r"\operatorname" and is_word_name(node)
                    and optimisers.word_sense(node.arg) is None)
                or (name == r"\mathbb" and blackboard_name(node.arg) is not None))

    # ----- pieces ---------------------------------------------------------------------
    @staticmethod
    def number(tok: Tok) -> sp.Rational:
        text = tok.text
        if "." in text:
            whole, frac = text.split(".")
            return sp.Rational(int(whole + frac), 10 ** len(frac))
        return sp.Integer(int(text))

    def exponent(self, nodes: list, ctx: Ctx, at: int) -> sp.Expr:
        if len(nodes) == 1 and isinstance(nodes[0], Tok) and (
                nodes[0].kind == "letter" or self._starts_identifier(nodes[0])):
            value, end = self.identifier(nodes, 0, ctx)
            return value
        return self.expression(nodes, ctx, at)

    @staticmethod
    def _reject_transpose(nodes: list, at: int):
        if len(nodes) == 1:
            t = nodes[0]
            if is_letter(t, "T") or is_macro(t, r"\top", r"\intercal") or (
                    is_macro(t, r"\mathrm", r"\mathsf", r"\text") and t.arg.strip() == "T"):
                raise Fail("transposes (^T, ^\\top) are not supported", at)

    @staticmethod
    def binomial(top: sp.Expr, bottom: sp.Expr, at: int) -> sp.Expr:
        r"""\binom{m}{x}, with no number above MAX_FACTORIAL (SymPy would compute it)."""
        for v in (top, bottom):
            if v.is_Number and abs(v) > MAX_FACTORIAL:
                raise Fail(f"binomial coefficients of numbers above {MAX_FACTORIAL} are not "
                           "computed", at)
        out = sp.binomial(top, bottom)
        check_number(out, at)
        return out
