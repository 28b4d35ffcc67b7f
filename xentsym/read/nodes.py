"""Small predicates and splitters on the token tree, and the scope of bound letters."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from .tables import ACCENTS, GREEK, NAME_MACROS, RELATIONS, SPACING
from .tokens import Env, Fail, Group, Tok


def is_char(node, *chars) -> bool:
    return isinstance(node, Tok) and node.kind == "char" and node.text in chars


def is_macro(node, *names) -> bool:
    return isinstance(node, Tok) and node.kind == "macro" and (not names or node.text in names)


def is_letter(node, *letters) -> bool:
    return isinstance(node, Tok) and node.kind == "letter" and (not letters or node.text in letters)


def is_paren(node) -> bool:
    return isinstance(node, Group) and node.kind == "paren"


def relation_of(node) -> str | None:
    if isinstance(node, Tok) and node.kind in ("char", "macro"):
        return RELATIONS.get(node.text)
    return None


def start_of(nodes: Sequence, default: int) -> int:
    return nodes[0].start if nodes else default


def split_top(nodes: list, is_sep: Callable) -> tuple[list[list], list]:
    """Split a node list at top-level separators; return (parts, separators)."""
    parts, seps, cur = [], [], []
    k = 0
    while k < len(nodes):
        width = is_sep(nodes, k)
        if width:
            parts.append(cur)
            seps.append(nodes[k])
            cur = []
            k += width
        else:
            cur.append(nodes[k])
            k += 1
    parts.append(cur)
    return parts, seps


def arg_nodes(nodes: list, k: int, what: str, at: int) -> list:
    """The argument at nodes[k]: a brace group's children, or the single token."""
    if k >= len(nodes):
        raise Fail(f"{what} is missing its argument", at)
    node = nodes[k]
    if isinstance(node, Group) and node.kind == "brace":
        return node.children
    if isinstance(node, Tok) and (node.kind in ("letter", "number") or node.kind == "macro"):
        return [node]
    if isinstance(node, Group):
        return [node]
    raise Fail(f"{what} has an unreadable argument", node.start)


def starts_name(node) -> bool:
    """A letter, a Greek letter, an accent or \\mathrm{..}-like name: where a name begins."""
    if not isinstance(node, Tok):
        return False
    if node.kind == "letter":
        return True
    return node.kind == "macro" and (node.text[1:] in GREEK or node.text in ACCENTS
                                     or node.text in NAME_MACROS)


def derivative_sign(node) -> str | None:
    """'d' for d or \\mathrm{d}, 'partial' for \\partial, else None."""
    if is_letter(node, "d") or (is_macro(node, r"\mathrm", r"\text", r"\mathit")
                                and node.arg.strip() == "d"):
        return "d"
    if is_macro(node, r"\partial"):
        return "partial"
    return None


def brace_children(node) -> list:
    """The children of a brace group (or the node alone), without spacing macros."""
    nodes = node.children if isinstance(node, Group) and node.kind == "brace" else [node]
    return [t for t in nodes if not is_macro(t, *SPACING)]


def is_derivative(nodes: list, k: int) -> bool:
    """Whether the \\frac at nodes[k] is a derivative operator \\frac{d}{d x}.

    \\partial over \\partial always is (it means nothing else). d over d is when the
    denominator is d followed by a name or a macro (\\pi is refused later); the numerator
    is then d, d^{n} or d and one name (Leibniz's dy/dx), anything else is refused later:
    \\frac{d_1}{d_2} and \\frac{d}{d (x + 1)} stay fractions.
    """
    if k + 2 >= len(nodes):
        return False
    num, den = brace_children(nodes[k + 1]), brace_children(nodes[k + 2])
    if not num or not den:
        return False
    sign = derivative_sign(num[0])
    if sign is None or derivative_sign(den[0]) != sign:
        return False
    if sign == "partial":
        return True
    # d over d x is a derivative whatever the numerator holds after d: one that is not a
    # name (d (x^2), d \log x) is refused as ambiguous, never read as a fraction
    return len(den) >= 2 and (starts_name(den[1]) or is_macro(den[1]))


def is_operator(nodes: list, k: int) -> bool:
    """A derivative whose numerator is d, d^{n} (not dy): it still needs its operand."""
    if not is_derivative(nodes, k):
        return False
    num = brace_children(nodes[k + 1])
    return len(num) == 1 or (len(num) == 3 and is_char(num[1], "^"))


def mentions(nodes: list, letter: str) -> bool:
    for node in nodes:
        if isinstance(node, Tok) and node.kind == "letter" and node.text == letter:
            return True
        if isinstance(node, (Group, Env)) and mentions(node.children, letter):
            return True
    return False


def subscript_head(nodes: list, k: int):
    """The first node of the subscript of the \\sum/\\prod at ``nodes[k]`` (the bound
    variable, in \\sum_{i=1}^N or \\sum^N_{i=1}), or None when it has no subscript."""
    j = k + 1
    while j < len(nodes) and is_macro(nodes[j], r"\limits", r"\nolimits"):
        j += 1
    for _ in range(2):
        if j + 1 < len(nodes) and is_char(nodes[j], "_"):
            sub = arg_nodes(nodes, j + 1, r"\sum", nodes[k].start)
            return sub[0] if sub else None
        if j + 1 < len(nodes) and is_char(nodes[j], "^"):
            j += 2
    return None


def binds(nodes: list, letter: str) -> bool:
    """Whether some \\sum/\\prod in the nodes has ``letter`` as its variable."""
    for k, node in enumerate(nodes):
        if is_macro(node, r"\sum", r"\prod"):
            head = subscript_head(nodes, k)
            if head is not None and is_letter(head, letter):
                return True
        if isinstance(node, (Group, Env)) and binds(node.children, letter):
            return True
    return False


@dataclass(frozen=True)
class Ctx:
    """What is in scope while reading: the letters bound by enclosing sums."""

    bound: tuple = ()  # summation letters in scope, innermost last

    def binding(self, letter: str) -> "Ctx":
        return Ctx(self.bound + (letter,))
