"""What the reader returns besides expressions: optimisers, chains and warnings."""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp


@dataclass(frozen=True)
class ParseWarning:
    """Something read by a documented rule that the author should look at."""

    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Objective:
    r"""``\arg\max_{\theta} expr`` / ``\arg\min_{\theta} expr``: an optimiser, not a value."""

    sense: str  # "max" or "min"
    wrt_latex: str  # the subscript as written, e.g. r"\theta"
    wrt: tuple  # the symbols optimised over
    expr: sp.Expr


@dataclass(frozen=True)
class Chain:
    """``a = b = c``: the operands (Expr or Objective) and the relations between them."""

    items: tuple
    relations: tuple  # "=", "<", ">", "<=", ">=", "!="
    positions: tuple  # (line, column) where each operand begins
    warnings: tuple = field(default=())
