"""Reading operators that take an operand: \\log and \\exp, sums and products, and cases."""
from __future__ import annotations

import sympy as sp

from .bridge import checked_pow
from .ellipsis import EllipsisMixin
from .expectations import ExpectationsMixin
from .lecture_preset import index_symbol
from .nodes import (Ctx, arg_nodes, is_char, is_letter, is_macro, is_paren, relation_of, split_top,
                    start_of, starts_name)
from .ranges import range_size, subscript_index
from .tables import ACCENTS, CASE_WORDS, FUNCTION_MACROS, OTHERWISE_WORDS, RELATION_CLASSES, SPACING
from .tokens import Env, Fail, Group, Tok


class OperatorsMixin(ExpectationsMixin, EllipsisMixin):
    """\\log, \\exp, \\sum, \\prod and cases; their operands are read by the term reader."""

    def _log(self, nodes, k, ctx, parts, hold) -> int:
        node = nodes[k]
        n = len(nodes)
        j = k + 1
        base = None
        if j < n and is_char(nodes[j], "_"):
            base_nodes = arg_nodes(nodes, j + 1, r"\log_", node.start)
            base = self.expression(base_nodes, ctx, node.start)
            j += 2
        power = None  # \log^{2} x is (\log x)^2
        if j < n and is_char(nodes[j], "^"):
            power = self.expression(arg_nodes(nodes, j + 1, r"\log^", node.start), ctx,
                                    node.start)
            j += 2

        def log_of(inner):
            value = sp.log(inner) if base is None else sp.log(inner, base)
            return value if power is None else checked_pow(value, power, node.start)
        while j < n and is_macro(nodes[j], *SPACING):
            j += 1
        if j < n and is_paren(nodes[j]):
            g = nodes[j]
            if not (j + 1 < n and is_char(nodes[j + 1], "^")):
                hold(log_of(self.expression(g.children, ctx, g.start + 1)), node.start)
                return j + 1
            self.warnings.append((
                r"read \log (a)^{b} as \log\left((a)^{b}\right), the logarithm of the power",
                node.start))
        end = self._operand_end(nodes, j, node)
        hold(log_of(self.term(nodes[j:end], ctx)), node.start)
        return end

    def _operand_end(self, nodes: list, j: int, op: Tok) -> int:
        r"""Where the operand of \log or \exp without brackets ends: it takes the factors
        written side by side after it, up to \cdot, \times, *, / or the next \log, \ln or
        \exp (``\log a b \cdot c`` is ``\log(a b) \cdot c``)."""
        end, n = j, len(nodes)
        while end < n:
            node = nodes[end]
            if is_char(node, "*", "/") or is_macro(node, r"\cdot", r"\times"):
                break
            if end > j and is_macro(node, r"\log", r"\ln", *FUNCTION_MACROS):
                break
            end += self._unit(nodes, end, False)[0]
        if all(is_macro(t, *SPACING) for t in nodes[j:end]):
            raise Fail(f"{op.text} without its argument", op.start)
        return min(end, n)

    def big_operator(self, nodes: list, k: int, ctx: Ctx) -> sp.Expr:
        node = nodes[k]
        cls = sp.Sum if node.text == r"\sum" else sp.Product
        j = k + 1
        sub = sup = None
        while j < len(nodes):
            if is_macro(nodes[j], r"\limits", r"\nolimits", *SPACING):
                j += 1
            elif is_char(nodes[j], "_") and sub is None:
                sub = arg_nodes(nodes, j + 1, node.text, node.start)
                j += 2
            elif is_char(nodes[j], "^") and sup is None:
                sup = arg_nodes(nodes, j + 1, node.text, node.start)
                j += 2
            else:
                break
        if sub is not None and any(is_macro(t, r"\neq", r"\ne") for t in sub):
            return self._sum_except(nodes, k, j, sub, sup, ctx)
        whole = subscript_index(sub, is_letter, lambda t: is_macro(t, r"\in"),
                                lambda t: starts_name(t) and not is_macro(t, *ACCENTS)) \
            if sub is not None and sup is None else None
        if whole is not None:  # \sum_i, \sum_{x \in \mathcal{X}}: over the whole range
            letter = whole[0]
            body = nodes[j:]
            if not body:
                raise Fail(f"{node.text} has no summand", node.start)
            value = self.expression(body, ctx.binding(letter), body[0].start)
            var = index_symbol(letter)
            size = range_size(letter, var, value, ("p", "q"), self.names.scalars["n"])
            return cls(value, (var, 1, size))
        if sub is None or sup is None:
            raise Fail(f"{node.text} needs both bounds, as in {node.text}_{{i=1}}^{{N}}, or "
                       f"an index alone, as in {node.text}_{{i}}", node.start)
        parts, seps = split_top(sub, lambda ns, q: 1 if is_char(ns[q], "=") else 0)
        if len(seps) != 1 or len(parts[0]) != 1 or not is_letter(parts[0][0]):
            raise Fail(f"the lower bound of {node.text} must read i=1 (a letter, '=', a "
                       "value)", start_of(sub, node.start))
        letter = parts[0][0].text
        lo = self.expression(parts[1], ctx, parts[0][0].end)
        hi = self.expression(sup, ctx, start_of(sup, node.start))
        body = nodes[j:]
        if not body:
            raise Fail(f"{node.text} has no summand", node.start)
        value = self.expression(body, ctx.binding(letter), body[0].start)
        var = index_symbol(letter)
        return cls(value, (var, lo, hi))

    def _sum_except(self, nodes: list, k: int, j: int, sub: list, sup, ctx: Ctx) -> sp.Expr:
        r"""\sum_{k \neq i} f_k, \sum_{k=1, k \neq i}^{K} f_k: the sum over the whole range
        (as \sum_k or \sum_{k=1}^{K} reads it) minus the term at k = i."""
        node = nodes[k]
        if node.text != r"\sum":
            raise Fail(r"only \sum leaves an index out (\sum_{k \neq i})", node.start)
        parts, _ = split_top(sub, lambda ns, q: 1 if is_char(ns[q], ",") else 0)
        parts = [[t for t in part if not is_macro(t, *SPACING)] for part in parts]
        rest = [part for part in parts if not any(is_macro(t, r"\neq", r"\ne") for t in part)]
        left_out = [part for part in parts if part not in rest]
        if len(left_out) != 1 or len(rest) > 1 or len(left_out[0]) < 3 or not (
                is_letter(left_out[0][0]) and is_macro(left_out[0][1], r"\neq", r"\ne")):
            raise Fail(r"write the index left out as \sum_{k \neq i} or "
                       r"\sum_{k=1, k \neq i}^{K}", start_of(sub, node.start))
        letter = left_out[0][0].text
        if rest and not (rest[0] and is_letter(rest[0][0], letter)):
            raise Fail(f"the bound and the index left out must name the same index {letter}",
                       start_of(rest[0], node.start))
        # the whole sum, read as the reader reads \sum_{k} or \sum_{k=1}^{K}
        bound = rest[0] if rest else [left_out[0][0]]
        whole = [node, Tok("char", "_", node.start, node.start),
                 Group("brace", bound, node.start, node.start)]
        if sup is not None:
            whole += [Tok("char", "^", node.start, node.start),
                      Group("brace", sup, node.start, node.start)]
        full = self.big_operator(whole + list(nodes[j:]), 0, ctx)
        out = self.expression(left_out[0][2:], ctx, left_out[0][1].end)
        return full - full.function.subs(index_symbol(letter), out)

    def environment(self, env: Env, ctx: Ctx) -> sp.Expr:
        if env.name != "cases":
            raise Fail(f"environment {env.name} is not supported here", env.start)
        rows, _ = split_top(env.children, lambda ns, q: 1 if is_macro(ns[q], r"\\") else 0)
        pieces = []
        for row in rows:
            if not row:
                continue
            cols, _ = split_top(row, lambda ns, q: 1 if is_char(ns[q], "&") else 0)
            if len(cols) != 2:
                raise Fail("each row of cases needs one '&' between value and condition",
                           row[0].start)
            value_nodes = self._strip_punctuation(cols[0])
            value = self.expression(value_nodes, ctx, row[0].start)
            pieces.append((value, self.condition(cols[1], ctx, row[0].start)))
        if not pieces:
            raise Fail("empty cases", env.start)
        return sp.Piecewise(*pieces)

    @staticmethod
    def _strip_punctuation(nodes: list) -> list:
        nodes = list(nodes)
        while nodes and (is_char(nodes[-1], ",", ".", ";") or is_macro(nodes[-1], *SPACING)):
            nodes.pop()
        return nodes

    def condition(self, nodes: list, ctx: Ctx, at: int):
        nodes = self._strip_punctuation(nodes)
        while nodes and (is_macro(nodes[0], *SPACING) or is_char(nodes[0], ",")):
            nodes = nodes[1:]
        if nodes and is_macro(nodes[0], r"\text", r"\mbox", r"\textrm", r"\mathrm"):
            words = nodes[0].arg.replace(",", " ").split()
            if words and words[0] in OTHERWISE_WORDS and len(nodes) == 1:
                return sp.true
            if words and words[0] in CASE_WORDS and len(words) == 1:
                nodes = nodes[1:]
            else:
                raise Fail(f"condition text {nodes[0].arg!r} is not understood (use "
                           r"\text{if } or \text{otherwise})", nodes[0].start)
        if not nodes:
            raise Fail("a condition of cases is missing", at)
        sides, ops = split_top(nodes, lambda ns, q: 1 if relation_of(ns[q]) else 0)
        if len(ops) != 1:
            raise Fail("a condition must be one relation such as x = 1", nodes[0].start)
        lhs = self.expression(sides[0], ctx, nodes[0].start)
        rhs = self.expression(sides[1], ctx, ops[0].end)
        return RELATION_CLASSES[relation_of(ops[0])](lhs, rhs)
