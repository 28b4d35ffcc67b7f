"""What the statuses of a run mean for CI: which derivations pass, and the counts."""
from __future__ import annotations


def passes(status: str, expect_unproven: str | None) -> bool:
    """Whether CI may pass a derivation: verified, or unproven as its script says it will
    be (``expect_unproven``); a refuted one never passes."""
    return status == "verified" or (status == "unproven" and bool(expect_unproven))


def counts(statuses) -> dict:
    """How many of ``statuses`` (one per derivation) are verified, refuted and unproven."""
    out = {"verified": 0, "refuted": 0, "unproven": 0}
    for status in statuses:
        out[status] += 1
    return out


__all__ = ["counts", "passes"]
