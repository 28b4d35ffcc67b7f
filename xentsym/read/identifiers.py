"""Reading names: letters, accents and \\mathrm{..} names, their indices and labels, and when a
name applied to brackets is a function."""
from __future__ import annotations

import re

import sympy as sp

from .applications import holds_only_names, is_word_name
from .applied import APPLICATIONS
from .bold import is_transpose
from .lecture_preset import GENERIC_FUNCTIONS, INDEX_LETTERS, SCALARS, index_symbol
from .nodes import Ctx, arg_nodes, is_char, is_letter, is_macro, is_paren, split_top, starts_name
from .quantities import bare_word, blackboard_name
from .tables import ACCENTS, GREEK, NAME_MACROS, SPACING
from .tokens import Fail, Group, Tok


# Subscripts that are words, though spelled with index letters (d_{in}, \eta_{min}).
SUBSCRIPT_WORDS = frozenset({"in", "min", "init", "int", "lim", "nm", "mm"})


class IdentifiersMixin:
    """Names, their subscripts and superscript indices, and what they resolve to."""

    def _base(self, nodes: list, k: int) -> tuple[str, int]:
        """The name at nodes[k] (a letter, Greek letter, accented letter, \\mathcal{L})."""
        node = nodes[k]
        if node.kind == "letter":
            return node.text, k + 1
        name = node.text
        if name[1:] in GREEK:
            return name[1:], k + 1
        if name in ACCENTS:
            inner = arg_nodes(nodes, k + 1, name, node.start)
            if len(inner) != 1 or not (
                    is_letter(inner[0]) or (is_macro(inner[0]) and inner[0].text[1:] in GREEK)):
                raise Fail(f"{name}{{...}} must hold one letter", node.start)
            letter = inner[0].text.lstrip("\\")
            return letter + ACCENTS[name], k + 2
        if name == r"\mathbb" and blackboard_name(node.arg) is not None:
            return blackboard_name(node.arg), k + 1
        if name in NAME_MACROS or name == r"\operatorname":
            text = node.arg.strip()
            if name == r"\mathcal":
                if not re.fullmatch(r"[A-Za-z]", text):
                    raise Fail(r"\mathcal{...} must hold one letter", node.start)
                return rf"\mathcal{{{text}}}", k + 1
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", text):
                raise Fail(f"{name}{{{text}}} is not a formula (text is only read as a "
                           r"name or in \text{if } of cases)", node.start)
            return text, k + 1
        raise Fail(f"unexpected {name}", node.start)

    def identifier(self, nodes: list, k: int, ctx: Ctx) -> tuple[sp.Expr, int]:
        head = nodes[k]
        start = head.start
        word = bare_word(nodes, k, is_letter, is_paren)
        if word is not None:  # KL(p || q) of two distributions; else K L (...) as before
            end = k + len(word)
            value = self.apply_quantity(word, None, nodes[end], ctx)
            if value is not None:
                return value, end + 1
        value, end = self._identifier(nodes, k, ctx)
        if is_macro(head, r"\mathbb") and not (end > k + 1 and is_paren(nodes[end - 1])):
            raise Fail(rf"\mathbb{{{head.arg.strip()}}} is only read applied, as in "
                       rf"\mathbb{{{head.arg.strip()}}}(p)", start)
        return value, end

    def _identifier(self, nodes: list, k: int, ctx: Ctx) -> tuple[sp.Expr, int]:
        head = nodes[k]
        start = head.start
        bold = self.bold_base(nodes, k)
        name, k = bold if bold is not None else self._base(nodes, k)
        sub = None
        sup_index = None
        n = len(nodes)
        while k < n:
            if is_char(nodes[k], "_") and sub is None:
                sub = arg_nodes(nodes, k + 1, "'_'", nodes[k].start)
                k += 2
            elif (is_char(nodes[k], "^") and sup_index is None and k + 1 < n
                  and self._sup_index_items(nodes[k + 1], ctx) is not None):
                sup_index = self._sup_index_items(nodes[k + 1], ctx)
                k += 2
            elif bold and is_char(nodes[k], "^") and k + 1 < n and is_transpose(
                    arg_nodes(nodes, k + 1, "'^'", nodes[k].start)):
                k += 2  # a transposed vector has the same entries
            elif (bold and is_char(nodes[k], "^") and sup_index is None and k + 1 < n
                  and self._bold_sup_items(nodes[k + 1], ctx) is not None):
                # \mathbf{x}^i, \boldsymbol{x}^{t+1}: a vector has no i-th power, so the
                # superscript is the sample (the iterate), as in x^{(i)}
                sup_index = self._bold_sup_items(nodes[k + 1], ctx)
                k += 2
            elif is_char(nodes[k], "'"):
                raise Fail("primes (') are not supported", nodes[k].start)
            else:
                break
        indices = label = None
        if sub is not None:
            items = self._index_items(sub, ctx)
            if items is None:
                label = self._label(sub, start)
            else:
                indices = tuple(self._index_value(item, ctx) for item in items)
        if sup_index is not None:
            # y^{(n)}_k: the sample first, then the entry (x^{(i)}_j is x_{i,j})
            if label is not None:
                raise Fail("both a subscript label and a ^{(i)} index", start)
            indices = tuple(self._index_value(item, ctx) for item in sup_index) + (
                indices or ())
        if bold:
            if label is not None:
                raise Fail(f"a bold name takes an index (a sample i), not the label {label}",
                           start)
            return self.bold(name, indices, start), k
        # application to brackets
        if k < n and indices is None and isinstance(nodes[k], Group) and \
                nodes[k].kind in ("paren", "bracket"):
            group = nodes[k]
            read = self.softmax(nodes, k, ctx) if name == "softmax" and label is None and \
                group.kind == "paren" else None
            if read is not None:
                return read
            handler = APPLICATIONS.get((name, label)) if group.kind == "paren" else None
            value = None
            if handler is not None:
                value = handler(self, name, group, ctx)
            if value is None and label is None and name in GENERIC_FUNCTIONS and \
                    group.kind == "paren":
                value = self.generic_function(name, group, ctx)
            if value is None and label is None and self._applied(head, name, group):
                value = self.generic_function(name, group, ctx)
            if value is None and label is not None and group.kind == "paren" and (
                    self._applied(head, name, group) or f"{name}_{label}" in self.functions):
                # q_\theta(x_i), q_\theta(y | x); H_b(1/2) once the document defines H_b
                value = self.generic_function(f"{name}_{label}", group, ctx)
            if value is not None:
                return value, k + 1
        return self._resolve(name, label, indices, ctx, start), k

    def _applied(self, head, name: str, group: Group) -> bool:
        """Whether ``name(...)`` is an application by :mod:`xentsym.read.applications`."""
        if name in self.functions:  # the document applies it to a name elsewhere: zeta(x)
            return True
        if is_word_name(head):
            return True
        if isinstance(SCALARS.get(name), sp.NumberSymbol) or SCALARS.get(name) is sp.E:
            return False
        single = (len(name) == 1 or name in GREEK or head.text in ACCENTS
                  or name.startswith(r"\mathcal{"))
        return single and holds_only_names(
            group.children, starts_name,
            lambda node: self._sup_index_items(node, Ctx()) is not None,
            lambda node: is_macro(node, *SPACING))

    def _resolve(self, name, label, indices, ctx, start) -> sp.Expr:
        if indices is not None:
            special = self.names.special_entries.get((name, *indices))
            if special is not None:
                return special
            if len(indices) == 1 and name in self.names.sample_families:
                return self.names.sample_families[name][indices[0]]
            if len(indices) == 2 and name in self.names.row_families:
                return self.names.row_families[name][indices]
            if name in self.names.sample_families or name in self.names.row_families:
                raise Fail(f"{name} takes one index (sample i) or two (sample i, class k)",
                           start)
            return self.names.family(name)[indices]
        if label is not None:
            return sp.Symbol(f"{name}_{label}", real=True)
        if name in ctx.bound:
            return index_symbol(name)
        if name in self.names.scalars:
            return self.names.scalars[name]
        return sp.Symbol(name, real=True)

    @staticmethod
    def _unwrap_parens(nodes: list) -> list:
        if len(nodes) == 1 and is_paren(nodes[0]):
            return nodes[0].children
        return nodes

    def _index_items(self, nodes: list, ctx: Ctx) -> list | None:
        """Split an index list (i / 1 / i,k / (i,k) / n-1); None if it is a label."""
        nodes = self._unwrap_parens(nodes)
        items, _ = split_top(nodes, lambda ns, q: 1 if is_char(ns[q], ",") else 0)
        if len(items) == 1 and self._two_indices(items[0], ctx):
            return [[t] for t in items[0]]
        for item in items:
            if not item:
                return None
            if len(item) == 1:
                t = item[0]
                if t.kind == "number" and "." not in t.text:
                    continue
                if is_letter(t) and (t.text in INDEX_LETTERS or t.text in ctx.bound):
                    continue
                return None
            # operand ((+|-) operand)*, with at least one index letter: n-1, i+1
            has_letter = False
            for q, t in enumerate(item):
                if q % 2 == 1:
                    if not is_char(t, "+", "-"):
                        return None
                elif is_letter(t) and (t.text in INDEX_LETTERS or t.text in ctx.bound):
                    has_letter = True
                elif not (isinstance(t, Tok) and t.kind == "number" and "." not in t.text):
                    return None
            if not has_letter or len(item) % 2 == 0:
                return None
        return items

    def _sup_index_items(self, node, ctx: Ctx) -> list | None:
        """The items of ^{(i)}: a braced single paren group of index items, else None."""
        if not (isinstance(node, Group) and node.kind == "brace" and len(node.children) == 1
                and is_paren(node.children[0]) and node.children[0].children):
            return None
        return self._index_items(node.children[0].children, ctx)

    @staticmethod
    def _two_indices(item: list, ctx: Ctx) -> bool:
        r"""``x_{ij}``, ``W_{ik}``, ``T_{ijk}``, ``w_{i1}``: one index per letter or digit,
        as ``\sum_j x_{ij}`` must depend on j (read as one name it would be a constant of
        the sum, and d/dW_{ij} would miss W_{ik} at k = j). Not a word (``\eta_{min}``,
        ``d_{in}``), and a digit first (``x_{2k}``) only where a sum binds a letter."""
        letters = [t for t in item if is_letter(t)]
        if len(item) < 2 or not letters:
            return False
        indexlike = {*INDEX_LETTERS, *ctx.bound}
        if not all((is_letter(t) and t.text in indexlike) or (
                isinstance(t, Tok) and t.kind == "number" and len(t.text) == 1
                and t.text.isdigit()) for t in item):
            return False
        if "".join(t.text for t in letters).lower() in SUBSCRIPT_WORDS:
            return False
        return is_letter(item[0]) or any(t.text in ctx.bound for t in letters)

    def _bold_sup_items(self, node, ctx: Ctx) -> list | None:
        """The items of a bold name's ``^i`` or ``^{t+1}``: index items with a letter (a
        number, ``^2``, stays the squared norm), else None."""
        nodes = node.children if isinstance(node, Group) and node.kind == "brace" else [node]
        items = self._index_items(nodes, ctx) if nodes else None
        if items is None or not any(is_letter(t) for item in items for t in item):
            return None
        return items

    def _index_value(self, item: list, ctx: Ctx) -> sp.Expr:
        if len(item) == 1:
            t = item[0]
            if t.kind == "number":
                return sp.Integer(int(t.text))
            return index_symbol(t.text)
        # operand ((+|-) operand)*, as checked by _index_items: n - 1, i + 1
        value, sign = sp.Integer(0), 1
        for t in item:
            if is_char(t, "+", "-"):
                sign = -1 if t.text == "-" else 1
                continue
            v = sp.Integer(int(t.text)) if t.kind == "number" else index_symbol(t.text)
            value += sign * v
        return value

    def _label(self, nodes: list, at: int) -> str:
        out = []
        for t in nodes:
            if is_letter(t) or (isinstance(t, Tok) and t.kind == "number"):
                out.append(t.text)
            elif is_macro(t) and t.text[1:] in GREEK:
                out.append(t.text[1:])
            elif is_macro(t, r"\mathrm", r"\text", r"\mathit", r"\textrm") and re.fullmatch(
                    r"[A-Za-z0-9]+", t.arg.strip()):
                out.append(t.arg.strip())
            else:
                raise Fail("unsupported subscript (use an index such as i, k, 1, (i,k) or "
                           "a name such as KL or \\theta)", getattr(t, "start", at))
        if not out:
            raise Fail("empty subscript", at)
        return "".join(out)
