r"""Hints in documents: declarations of domains and ``name = value`` specialisations.

A hint is a comment, ``<!-- xentsym: ... -->`` in Markdown or ``% xentsym: ...`` in LaTeX,
holding pieces separated by ``;`` or new lines. Each piece is one of:

* ``NAME \in SET`` (several names: ``p, q \in \Delta``) with SET one of ``(0, 1)``,
  ``\{0, 1\}``, ``\mathbb{R}``, ``(0, \infty)`` / ``\mathbb{R}_{>0}``, ``\mathbb{N}`` /
  ``\mathbb{Z}_{>0}`` (a size), ``\Delta`` / ``\Delta_{K}`` (a distribution over K);
* ``0 < NAME < 1`` (a probability), ``NAME > 0`` or ``0 < NAME`` (positive);
* ``NAMES: KIND [over SIZE]`` with KIND one of probability, distribution, label, one-hot,
  positive, real, size, index (plural allowed): ``p, q: distributions over K``;
* ``NAME = VALUE``: the display that follows is checked with NAME replaced by VALUE;
* ``NAME := VALUE`` (or ``\coloneqq``): a definition the prose gives, as if a display had
  stated it: ``\bar{x} := \frac{1}{m} \sum_{i=1}^{m} x_i``.

Declarations and definitions hold from their line to the end of the file; a specialisation
holds for the one display that follows it (or the display it stands in). Anything else is an error for that
hint only. Hint text is data: it is read by ``parse``, never evaluated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from . import domains as D
from .errors import ParseError, XentsymError
from .parse import Objective, parse, parse_relation

KINDS = {
    "probability": D.PROBABILITY, "distribution": D.DISTRIBUTION, "label": D.LABEL,
    "one-hot": D.ONE_HOT, "onehot": D.ONE_HOT, "positive": D.POSITIVE, "real": D.REAL,
    "size": D.SIZE, "index": getattr(D, "INDEX", D.SIZE),
}
# Sets after \in, with spaces and \left/\right removed.
SETS = {
    "(0,1)": D.PROBABILITY, r"\{0,1\}": D.LABEL, r"\mathbb{R}": D.REAL, r"\mathbbR": D.REAL,
    r"(0,\infty)": D.POSITIVE, r"\mathbb{R}_{>0}": D.POSITIVE, r"\mathbb{R}_+": D.POSITIVE,
    r"\mathbb{R}^+": D.POSITIVE, r"\mathbb{R}_{+}": D.POSITIVE, r"\mathbb{R}^{+}": D.POSITIVE,
    r"\mathbb{N}": D.SIZE, r"\mathbb{N}_{>0}": D.SIZE, r"\mathbb{Z}_{>0}": D.SIZE,
    r"\mathbb{N}^+": D.SIZE, r"\mathbb{N}^{+}": D.SIZE, r"\mathbb{Z}^+": D.SIZE,
}
_SIMPLEX = re.compile(r"^\\Delta(?:[_^]\{?(?P<over>[^{}]*)\}?)?$")
_KIND = re.compile(r"^(?P<names>.+?)\s*:\s*(?P<kind>[a-z-]+?)s?(?:\s+over\s+(?P<over>.+))?$")
_SPACE = re.compile(r"\s+|\\left|\\right|\\[,;:! ]")
USAGE = (r"a hint holds declarations (\theta \in (0, 1); 0 < \theta < 1; y_i \in \{0, 1\}; "
         r"p, q: distributions over K), NAME := VALUE or NAME = VALUE")


@dataclass(frozen=True)
class Declared:
    """``names`` live in ``domain`` (families along the axes ``over``)."""

    names: tuple  # (name, is_family) pairs
    domain: D.Domain
    over: tuple = ()


@dataclass(frozen=True)
class Defined:
    """From here on, the name ``lhs`` (as written: ``key``) means ``body``."""

    lhs: sp.Basic
    body: sp.Basic
    key: str


@dataclass(frozen=True)
class Specialised:
    """In the next display, ``old`` stands for ``new``."""

    old: sp.Basic
    new: sp.Basic


def read_hint(text: str, *, file=None, line=None, column=None):
    """One hint piece as a ``Declared`` or a ``Specialised``; ParseError when it is neither."""
    where = {"file": file, "line": line, "column": column}
    try:
        return _read(text.strip(), where)
    except ParseError as exc:
        raise ParseError(f"bad hint: {exc.message}; {USAGE}", **where) from None
    except XentsymError as exc:
        raise ParseError(f"bad hint: {exc.message}", **where) from None


def _read(text: str, where: dict):
    define = re.split(r":=|\\coloneqq(?![a-zA-Z])", text, maxsplit=1)
    if len(define) == 2:
        lhs = parse(define[0], plain=True, **where)
        body = parse(define[1], plain=True, **where)
        if not isinstance(lhs, (sp.Symbol, sp.Indexed)) and not isinstance(lhs, AppliedUndef):
            raise ParseError(f"the left side of '{text}' is not a name", **where)
        return Defined(lhs, body, sp.srepr(lhs))
    m = _KIND.match(text)
    if m and m.group("kind") in KINDS and "\\in" not in text:
        over = (_name(m.group("over"), where)[0],) if m.group("over") else ()
        return Declared(_names(m.group("names"), where), KINDS[m.group("kind")], over)
    if re.search(r"\\in(?![a-zA-Z])", text):
        names, _, rest = re.split(r"(\\in)(?![a-zA-Z])", text, maxsplit=1)
        key = _SPACE.sub("", rest)
        simplex = _SIMPLEX.match(key)
        if simplex:
            over = (_name(simplex.group("over"), where)[0],) if simplex.group("over") else ()
            return Declared(_names(names, where), D.DISTRIBUTION, over)
        if key not in SETS:
            raise ParseError(f"unknown set {rest.strip()}", **where)
        return Declared(_names(names, where), SETS[key])
    m = re.match(r"^0\s*<\s*(.+?)\s*<\s*1$", text)
    if m:
        return Declared(_names(m.group(1), where), D.PROBABILITY)
    m = re.match(r"^(?:0\s*<\s*(.+)|(.+?)\s*>\s*0)$", text)
    if m:
        return Declared(_names(m.group(1) or m.group(2), where), D.POSITIVE)
    lhs, rel, rhs = parse_relation(text, plain=True, **where)
    if rel != "=" or isinstance(lhs, Objective) or isinstance(rhs, Objective):
        raise ParseError(f"'{text}' is not a declaration or NAME = VALUE", **where)
    if not isinstance(lhs, (sp.Symbol, sp.Indexed)):
        raise ParseError(f"the left side of '{text}' is not a name", **where)
    if isinstance(lhs, sp.Indexed) and isinstance(rhs, sp.Indexed):
        lhs, rhs = lhs.base, rhs.base  # a definition for the whole family
    return Specialised(lhs, rhs)


def _names(text: str, where: dict) -> tuple:
    return tuple(_name(part, where) for part in _split_commas(text))


def _name(text: str, where: dict) -> tuple:
    e = parse(text, plain=True, **where)
    if isinstance(e, sp.Indexed):
        return (str(e.base.label), True)
    if isinstance(e, sp.IndexedBase):
        return (str(e.label), True)
    if isinstance(e, sp.Symbol):
        return (e.name, False)
    raise ParseError(f"'{text.strip()}' is not a name", **where)


def _split_commas(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p for p in (s.strip() for s in parts) if p]


__all__ = ["read_hint", "Declared", "Defined", "Specialised", "USAGE"]
