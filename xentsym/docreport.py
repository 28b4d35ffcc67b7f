"""check-doc's report: one row per step, warnings and errors, as text and as JSON."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

STATUSES = ("verified", "refuted", "unproven", "unparsed", "defined", "condition", "unchecked")
# Statuses that make a file fail (exit 1).
FAILING = frozenset({"refuted", "unproven", "unparsed"})
# The reason a step gives when its message is empty.
REASONS = {"verified": "proved symbolically and confirmed on samples",
           "defined": "a definition: learned, not checked",
           "condition": "an equation to solve or a case condition, not an identity",
           "unchecked": "a relation check-doc reports but does not check",
           "refuted": "refuted", "unproven": "not proved", "unparsed": "not read"}
# GitHub Actions annotations: a refuted step or an error fails for a known wrong; an
# unproven or unparsed step (it also fails the exit code) and a warning ask a human to look.
ANNOTATION = {"refuted": "error", "unproven": "warning", "unparsed": "warning"}


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
    diagnosis: object = None  # a refuted step's slip (xentsym.diagnose.Diagnosis), if found

    def to_json(self) -> dict:
        return {"line": self.line, "chain": self.chain, "step": self.step, "lhs": self.lhs,
                "rhs": self.rhs, "relation": self.relation, "status": self.status,
                "message": self.message, "assumptions": list(self.assumptions),
                "counterexample": self.counterexample,
                "diagnosis": self.diagnosis.to_json() if self.diagnosis else None}


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
        steps = [{"file": self.file, **s.to_json(), "reason": s.message or REASONS[s.status]}
                 for s in self.steps]
        return {"file": self.file, "steps": steps,
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
            if s.diagnosis is not None:
                out.append(f"    diagnosis: {s.diagnosis.message}")
            if s.assumptions and s.status in ("verified", "refuted"):
                out.append("    assuming " + "; ".join(s.assumptions))
        out += [f"{self.file}:{ln}:{col}: error: {m}" for ln, col, m in self.errors]
        out += [f"{self.file}:{ln}: warning: {m}" for ln, m in self.warnings]
        out.append(counts_line(self.summary()))
        return "\n".join(out)

    def github(self) -> list[str]:
        """GitHub Actions workflow commands: ``::error file=F,line=L::...`` per refuted step
        and per error, ``::warning`` per unproven or unparsed step and per warning."""
        out = []
        for s in self.steps:
            if s.status in ANNOTATION:
                out.append(annotation(ANNOTATION[s.status], self.file, s.line, None,
                                      f"xentsym: {s.status}", f"chain {s.chain} step {s.step}: "
                                      f"{s.message or REASONS[s.status]}" + (
                                          f"\n{s.diagnosis.message}" if s.diagnosis else "")))
        out += [annotation("error", self.file, ln, col, "xentsym: error", m)
                for ln, col, m in self.errors]
        out += [annotation("warning", self.file, ln, None, "xentsym: warning", m)
                for ln, m in self.warnings]
        return out


def counts_line(counts: dict) -> str:
    """``3 verified, 1 refuted, ...`` in the order of STATUSES."""
    return ", ".join(f"{counts[k]} {k}" for k in STATUSES)


def _escape(text: str, prop: bool = False) -> str:
    text = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def annotation(level: str, file: str, line, column, title: str, message: str) -> str:
    """One workflow command, e.g. ``::error file=a.md,line=3,col=1,title=..::message``."""
    props = [f"file={_escape(file, True)}"]
    props += [f"{k}={v}" for k, v in (("line", line), ("col", column)) if v is not None]
    props.append(f"title={_escape(title, True)}")
    return f"::{level} {','.join(props)}::{_escape(message)}"


__all__ = ["DocReport", "DocStep", "STATUSES", "FAILING", "annotation", "counts_line"]
