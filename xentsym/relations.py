"""Relations between consecutive expressions of a derivation, kept as a table."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Relation:
    """How a step's new expression relates to the previous one."""

    key: str  # the name in JSON and on the command line
    latex: str  # printed between the two sides
    order: int | None  # ranking of parameter values: +1 kept, -1 reversed, None: not an optimiser
    text: str  # how to read it

    @property
    def is_optimiser(self) -> bool:
        return self.order is not None


EQUAL = Relation("=", "=", None, "equals")
SAME_OPTIMUM = Relation("same-argmin", r"\Longleftrightarrow", +1,
                        "has the same minimisers (or maximisers) as")
SWITCH_SENSE = Relation("argmin<->argmax", r"\Longleftrightarrow", -1,
                        "its maximisers are the minimisers of")
AT_MOST = Relation("<=", r"\le", None, "is at most")

RELATIONS = {r.key: r for r in (EQUAL, SAME_OPTIMUM, SWITCH_SENSE, AT_MOST)}
