"""check-doc's report: one row per step, warnings and errors, as text and as JSON."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

STATUSES = ("verified", "refuted", "unproven", "unparsed", "defined", "condition", "unchecked")
# Statuses that make a file fail (exit 1).
FAILING = frozenset({"refuted", "unproven", "unparsed"})


@dataclass
class DocStep:
    """The verdict on one relation of a chain, where it stands and what it relied on."""

    line: int
    chain: int
    step: int
    lhs: str
    rhs: str
    status: str
    message: str = ""
    assumptions: list = field(default_factory=list)
    relation: str = "="
    counterexample: dict | None = None

    def to_json(self) -> dict:
        return {"line": self.line, "chain": self.chain, "step": self.step, "lhs": self.lhs,
                "rhs": self.rhs, "relation": self.relation, "status": self.status,
                "message": self.message, "assumptions": list(self.assumptions),
                "counterexample": self.counterexample}


@dataclass
class DocReport:
    """Everything check-doc found in one file."""

    file: str
    steps: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # (line, message)
    errors: list = field(default_factory=list)  # (line, column, message): bad hints, unreadable displays

    def summary(self) -> dict:
        counts = dict.fromkeys(STATUSES, 0)
        for s in self.steps:
            counts[s.status] += 1
        return counts

    def ok(self) -> bool:
        return not self.errors and not any(s.status in FAILING for s in self.steps)

    def to_dict(self) -> dict:
        return {"file": self.file, "steps": [s.to_json() for s in self.steps],
                "warnings": [{"line": ln, "message": m} for ln, m in self.warnings],
                "errors": [{"line": ln, "column": col, "message": m}
                           for ln, col, m in self.errors],
                "summary": self.summary()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def text(self) -> str:
        out = []
        for s in self.steps:
            if s.status == "defined" and not s.message:
                continue
            why = f": {s.message}" if s.message else ""
            out.append(f"{self.file}:{s.line}: chain {s.chain} step {s.step} {s.status}{why}")
            if s.assumptions and s.status in ("verified", "refuted"):
                out.append("    assuming " + "; ".join(s.assumptions))
        out += [f"{self.file}:{ln}:{col}: error: {m}" for ln, col, m in self.errors]
        out += [f"{self.file}:{ln}: warning: {m}" for ln, m in self.warnings]
        c = self.summary()
        out.append(", ".join(f"{c[k]} {k}" for k in STATUSES))
        return "\n".join(out)


__all__ = ["DocReport", "DocStep", "STATUSES", "FAILING"]
