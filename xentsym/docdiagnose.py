"""Check-doc's diagnosis of a refuted step: the edits of :mod:`xentsym.slips`, each checked
like a claim of the document (see :mod:`xentsym.diagnose`)."""
from __future__ import annotations

import sympy as sp

from .diagnose import diagnose
from .docreport import DocStep
from .parse import Objective
from .relations import AT_MOST, EQUAL
from .stepkinds import CHECKED_ORDER

PROBE_SAMPLES = 48  # numeric samples that sort out the edits a diagnosis tries


class DiagnoseMixin:
    """The checker's diagnosis; it supplies ``_check``, ``defs`` and ``strict``."""

    def _diagnose(self, st, row: DocStep, sides, given) -> None:
        """For a refuted step, the slip it looks like (see :mod:`xentsym.diagnose`)."""
        try:
            row.diagnosis = diagnose(
                *sides, st.relation,
                lambda e: self._claim(e, given, PROBE_SAMPLES),
                lambda e: self._claim(e, given), self._context(sides))
        except Exception:  # noqa: BLE001  (a diagnosis never changes the verdict it explains)
            row.diagnosis = None

    def _context(self, sides) -> tuple:
        """Where a lost factor or term may be found: the sides with the definitions written
        out, and the bodies of the names they use as the document wrote them."""
        exprs = [x.expr if isinstance(x, Objective) else x for x in sides]
        bodies = [body for x in exprs for sym, body in self.defs.symbols.items()
                  if sym in x.free_symbols and isinstance(body, sp.Expr)]
        return tuple(bodies) + tuple(self.defs.resolve(x) for x in exprs)

    def _claim(self, edit, given, probe: int = 0) -> bool:
        """Whether the edited step holds (on ``probe`` samples, or verified in full)."""
        if edit.relation in CHECKED_ORDER:
            res = self._check(edit.lhs, edit.rhs, AT_MOST, given,
                              swap=CHECKED_ORDER[edit.relation], probe=probe)
            strict_ok = probe or edit.relation not in "<>" or self.strict
            return res[0] == "verified" and bool(strict_ok)
        return self._check(edit.lhs, edit.rhs, EQUAL, given, probe=probe)[0] == "verified"

