r"""Finite sums and products written out with an ellipsis, read as the \sum or \prod they spell.

``a_1 + a_2 + \cdots + a_n`` is ``\sum_{i=1}^{n} a_i`` when the written terms and the last one are
one pattern: the same tokens except at the places where the written terms hold the numbers
s, s+1, ..., m (the same number at every such place of one term) and the last term holds the
upper bound (the same at every place). ``p_1 \log p_1 + \dots + p_n \log p_n``,
``x_1 + \ldots + x_n``, ``1 + 2 + \cdots + n``, ``-a_1 - a_2 - \cdots - a_n`` all read so. The
run takes the written terms just before the ellipsis that follow the pattern; terms around it
are read as usual. A product ``y_1 y_2 \cdots y_N`` of names is read the same way. Anything
else around an ellipsis is a located error: the reader never guesses a pattern.
"""
from __future__ import annotations

import sympy as sp

from .lecture_preset import index_symbol
from .nodes import Ctx, is_char, is_letter, is_macro, mentions, starts_name
from .tables import ACCENTS, SPACING
from .tokens import Env, Fail, Group, Tok

ELLIPSES = frozenset({r"\cdots", r"\dots", r"\ldots", r"\dotsb", r"\dotsm", r"\dotsc"})
_FRESH = "ijklmrst"  # the index of the sum: the first of these letters the terms do not use
_PATTERN = r"(a_1 + a_2 + \cdots + a_n)"


def _plain(nodes: list) -> list:
    return [t for t in nodes if not is_macro(t, *SPACING)]


def _norm(node):
    """A brace group of one node compares as that node: a_{1} is a_1."""
    while isinstance(node, Group) and node.kind == "brace" and len(_plain(node.children)) == 1:
        node = _plain(node.children)[0]
    return node


def is_ellipsis(nodes: list) -> bool:
    nodes = _plain(nodes)
    return len(nodes) == 1 and is_macro(nodes[0], *ELLIPSES)


def _diff(written: list, last: list, path: tuple, out: list) -> bool:
    """Whether two node lists agree except where ``written`` holds a whole number; each such
    place is appended to ``out`` as (path, number, node of ``last``)."""
    written, last = _plain(written), _plain(last)
    if len(written) != len(last):
        return False
    for q, (a, b) in enumerate(zip(written, last)):
        a, b = _norm(a), _norm(b)
        if isinstance(a, Tok) and isinstance(b, Tok) and (a.kind, a.text, a.arg) == (
                b.kind, b.text, b.arg):
            continue
        if isinstance(a, Group) and isinstance(b, Group) and a.kind == b.kind or (
                isinstance(a, Env) and isinstance(b, Env) and a.name == b.name):
            if not _diff(a.children, b.children, path + (q,), out):
                return False
        elif isinstance(a, Tok) and a.kind == "number" and a.text.isdigit() and len(a.text) < 6:
            out.append((path + (q,), int(a.text), b))
        else:
            return False
    return True


def _key(node) -> tuple:
    node = _norm(node)
    if isinstance(node, Tok):
        return node.kind, node.text, node.arg
    return type(node).__name__, getattr(node, "kind", None), tuple(_key(c) for c in
                                                                   _plain(node.children))


def _pattern(written: list, last: list):
    """(paths, number, bound node) when ``written`` is ``last`` at one number; else None."""
    places: list = []
    if not _diff(written, last, (), places) or not places:
        return None
    numbers = {v for _, v, _ in places}
    bounds = {_key(b) for _, _, b in places}
    if len(numbers) != 1 or len(bounds) != 1:
        return None
    return tuple(p for p, _, _ in places), numbers.pop(), places[0][2]


def _replace(nodes: list, paths: tuple, tok: Tok, path: tuple = ()) -> list:
    """A copy of ``nodes`` (as :func:`_diff` walks them) with the node at each path ``tok``."""
    out = []
    for q, node in enumerate(_plain(nodes)):
        node = _norm(node)
        here = path + (q,)
        if here in paths:
            node = tok
        elif any(p[:len(here)] == here for p in paths):
            node = (Group(node.kind, _replace(node.children, paths, tok, here), node.start,
                          node.end) if isinstance(node, Group) else
                    Env(node.name, _replace(node.children, paths, tok, here), node.start,
                        node.end))
        out.append(node)
    return out


def _factors(nodes: list) -> list[list] | None:
    """A juxtaposition of names (y_1 y_2, \\hat{y}_k) split into factors; None otherwise."""
    out: list[list] = []
    k, n = 0, len(nodes)
    while k < n:
        node = nodes[k]
        if is_macro(node, *SPACING, r"\cdot"):
            k += 1
            continue
        if not (is_letter(node) or is_macro(node, *ELLIPSES) or starts_name(node) or (
                isinstance(node, Tok) and node.kind == "number")):
            return None
        j = k + (2 if is_macro(node, *ACCENTS) else 1)  # \hat{y}
        while j + 1 < n and is_char(nodes[j], "_", "^"):
            j += 2
        out.append(nodes[k:j])
        k = j
    return out


def is_written_product(nodes: list) -> bool:
    """Whether a term is a juxtaposition of names around an ellipsis (read as a product)."""
    return _factors(nodes) is not None


class EllipsisMixin:
    """Written-out sums in :meth:`expression`, written-out products in :meth:`term`."""

    def _run(self, items: list, e: int, ctx: Ctx, at: int, what: str):
        """(first item of the run, index letter, body, lower, upper) around the ellipsis at
        ``items[e]``, for items[e - 1] ... and the last item items[e + 1]."""
        if e == 0 or e + 1 >= len(items):
            raise Fail(f"an ellipsis needs written {what}s before it and the last {what} after "
                       f"it {_PATTERN}", at)
        last = items[e + 1]
        found = _pattern(items[e - 1], last)
        if found is None:
            raise Fail(f"the {what}s before and after the ellipsis do not follow one pattern "
                       f"(the same {what} with the index 1, 2, ..., n) {_PATTERN}", at)
        paths, top, bound = found
        first = e - 1
        while first > 0 and _diff(items[first - 1], last, (), []):
            # a term of the same shape just before belongs to the run: it must fit it
            more = _pattern(items[first - 1], last)
            if more is None or more[0] != paths:
                raise Fail(f"the {what}s before and after the ellipsis do not follow one "
                           f"pattern (the same {what} with the index 1, 2, ..., n) {_PATTERN}",
                           at)
            if more[1] != top - (e - first):  # a_1 + a_3 + \cdots: no guessing the step
                raise Fail(f"the written {what}s before the ellipsis must count up by one "
                           f"(1, 2, ..., n) {_PATTERN}", at)
            first -= 1
        written = list(range(first, e))
        letter = next((c for c in _FRESH if c not in ctx.bound and not any(
            mentions(items[t], c) for t in written + [e + 1])), None)
        if letter is None:
            raise Fail("no free letter for the index of this written-out sum", at)
        low = top - (len(written) - 1)
        body_nodes = _replace(last, paths, Tok("letter", letter, at, at))
        body = self.term(body_nodes, ctx.binding(letter)) if what == "factor" else \
            self.expression(body_nodes, ctx.binding(letter), at)
        upper = self.expression([bound], ctx, at)
        return first, letter, body, sp.Integer(low), upper

    def written_sums(self, nodes: list, terms: list, ctx: Ctx, at: int):
        """The values of the written-out sums among ``terms`` and the terms left to read."""
        values, left = [], list(terms)
        while True:
            e = next((q for q, (_, _, lo, hi) in enumerate(left) if is_ellipsis(nodes[lo:hi])),
                     None)
            if e is None:
                return values, left
            spot = nodes[left[e][2]].start
            items = [nodes[lo:hi] for _, _, lo, hi in left]
            first, letter, body, low, upper = self._run(items, e, ctx, spot, "term")
            signs = {left[t][0] for t in range(first, e + 2)}
            if len(signs) != 1:
                raise Fail("the terms of a written-out sum must have one sign", spot)
            value = sp.Sum(body, (index_symbol(letter), low, upper))
            values.append(value if signs.pop() > 0 else -value)
            left = left[:first] + left[e + 2:]

    def written_product(self, nodes: list, ctx: Ctx) -> sp.Expr:
        """``y_1 y_2 \\cdots y_N``: the product of the names, with any written factors."""
        factors = _factors(nodes)
        at = next(t.start for t in nodes if is_macro(t, *ELLIPSES))
        e = next(q for q, f in enumerate(factors) if is_ellipsis(f))
        first, letter, body, low, upper = self._run(factors, e, ctx, at, "factor")
        value = sp.Product(body, (index_symbol(letter), low, upper))
        for f in factors[:first] + factors[e + 2:]:
            value *= self.term(f, ctx)
        return value
