"""The reader: one object per formula, assembled from the readers of each construct family."""
from __future__ import annotations

from .applied import AppliedMixin
from .bold import BoldMixin
from .bridge import BridgeMixin
from .calculus import CalculusMixin
from .identifiers import IdentifiersMixin
from .lecture_preset import LECTURE_NAMES, PLAIN_NAMES
from .operators import OperatorsMixin
from .terms import TermsMixin


class Reader(TermsMixin, CalculusMixin, OperatorsMixin, IdentifiersMixin, BoldMixin,
             AppliedMixin, BridgeMixin):
    """Reads one formula; collects its warnings as (message, offset)."""

    def __init__(self, src: str, plain: bool = False, functions=frozenset()):
        self.src = src
        self.functions = frozenset(functions)  # names the document applies as functions
        self.names = PLAIN_NAMES if plain else LECTURE_NAMES
        self.warnings: list[tuple[str, int]] = []
        self.counter = 0
