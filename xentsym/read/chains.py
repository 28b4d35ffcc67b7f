"""Reading chains a = b = c, relations and arg max / arg min objectives."""
from __future__ import annotations

from . import optimisers
from .nodes import Ctx, arg_nodes, is_char, is_macro, relation_of, split_top
from .reader import Reader
from .results import Objective
from .tables import CHAIN_ENVIRONMENTS, SPACING
from .tokens import Env, Fail, Group
from .vectors import finish


def objective_prefix(nodes: list) -> tuple[str, list, int] | None:
    """(sense, wrt nodes, index after the prefix) if nodes start with arg max/min, in any
    spelling of :mod:`xentsym.read.optimisers`."""
    k = 0
    while k < len(nodes) and is_macro(nodes[k], *SPACING):
        k += 1
    if k >= len(nodes):
        return None
    node = nodes[k]
    spacing = lambda t: is_macro(t, *SPACING)  # noqa: E731
    braced = lambda t: t.children if isinstance(t, Group) and t.kind == "brace" else None  # noqa: E731,E501
    found = optimisers.wrapped(nodes, k, is_macro, spacing, braced)
    if found is not None and found[1] is not None:  # \underset{\theta}{\arg\max}
        sense, wrt, k = found
        if not [t for t in wrt if not spacing(t)]:
            raise Fail(f"arg {sense} needs the optimised variable below it", node.start)
        return sense, wrt, k
    if found is not None:  # \mathop{\mathrm{argmax}}
        sense, _, k = found
    else:
        found = optimisers.core(nodes, k, is_macro, spacing)
        if found is None:
            return None
        sense, k = found
        if sense is None:
            raise Fail(r"\arg must be followed by \max or \min", node.start)
    while k < len(nodes) and is_macro(nodes[k], r"\limits", r"\nolimits", *SPACING):
        k += 1
    if k + 1 >= len(nodes) or not is_char(nodes[k], "_"):
        raise Fail(f"arg {sense} needs the optimised variable as a subscript, e.g. "
                   rf"\arg\{sense}_{{\theta}}", node.start)
    wrt = arg_nodes(nodes, k + 1, "arg " + sense, node.start)
    return sense, wrt, k + 2


def read_item(reader: Reader, nodes: list, at: int):
    prefix = objective_prefix(nodes)
    if prefix is None:
        return finish(reader.expression(nodes, Ctx(), at))
    sense, wrt, k = prefix
    names, _ = split_top(wrt, lambda ns, q: 1 if is_char(ns[q], ",") else 0)
    symbols = []
    for name_nodes in names:
        if not name_nodes:
            raise Fail("an optimised variable is missing", at)
        value, end = reader.identifier(name_nodes, 0, Ctx())
        if end != len(name_nodes):
            raise Fail("the subscript of arg max/min must list variables", name_nodes[0].start)
        symbols.append(finish(value))
    wrt_latex = reader.src[wrt[0].start:wrt[-1].end] if wrt else ""
    body = nodes[k:]
    if not body:
        raise Fail(f"arg {sense} has nothing to optimise", at)
    return Objective(sense, wrt_latex, tuple(symbols),
                     finish(reader.expression(body, Ctx(), body[0].start)))


def chain_nodes(tree: list) -> list:
    """Unwrap an aligned-like environment; drop alignment marks and line breaks."""
    nodes = [n for n in tree if not is_macro(n, *SPACING)]
    if len(nodes) == 1 and isinstance(nodes[0], Env) and nodes[0].name in CHAIN_ENVIRONMENTS:
        nodes = nodes[0].children
    return [n for n in nodes if not (is_char(n, "&") or is_macro(n, r"\\"))]


def read_chain(reader: Reader, tree: list) -> tuple[list, list, list]:
    nodes = chain_nodes(tree)
    if not nodes:
        raise Fail("the formula is empty", 0)
    segments, ops = split_top(nodes, lambda ns, q: 1 if relation_of(ns[q]) else 0)
    items, starts = [], []
    for s, segment in enumerate(segments):
        at = ops[s - 1].end if s else 0
        segment = reader._strip_punctuation(segment)
        if not segment:
            where = ops[s - 1] if s else ops[0]
            side = "right" if s else "left"
            raise Fail(f"the relation '{where.text}' has no {side} side", where.start)
        items.append(read_item(reader, segment, at))
        starts.append(segment[0].start)
    return items, [relation_of(o) for o in ops], starts
