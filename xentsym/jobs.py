"""check-doc over many documents, in this process or in N job processes (``pool``)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from . import freesymbols, pool
from .docreport import DocReport
from .errors import XentsymError


@dataclass
class Checked:
    """One document's outcome: its report, or the one-line error that stopped reading it."""

    path: str
    report: DocReport | None = None
    error: str | None = None  # path:line:col: error: message
    where: tuple = (None, None, "")  # (line, column, message) of the error


def check_one(path, options, progress=None) -> Checked:
    """Check one document; an unreadable file or an internal failure becomes ``error``."""
    from .checkdoc import check_document
    try:
        return Checked(str(path), check_document(str(path), options, progress))
    except XentsymError as exc:
        return Checked(str(path), error=exc.located(str(path)).one_line(),
                       where=(exc.line, exc.column, exc.message))
    except (KeyboardInterrupt, MemoryError):
        raise
    except Exception as exc:  # one document must not stop the others
        why = f"internal error: {type(exc).__name__}: {exc}"
        return Checked(str(path), error=f"{path}: {why}", where=(None, None, why))


def run(paths: list[Path], options, jobs: int = 1, progress=None) -> Iterator[Checked]:
    """Check ``paths`` and yield their outcomes in input order (``progress`` only with
    one document in this process: the chains of that document as they are done)."""
    with freesymbols.remembered():  # this run and its jobs: a command's, not a library's
        if jobs <= 1 or len(paths) <= 1:
            for p in paths:
                yield check_one(p, options, progress if len(paths) == 1 else None)
            return
        from . import checkdoc  # noqa: F401  (imported once here, shared by every forked job)
        yield from pool.in_order([str(p) for p in paths], lambda p: check_one(p, options),
                                 jobs, _lost, weight=_size)


def _lost(path) -> Checked:
    why = "internal error: the job checking this file stopped"
    return Checked(str(path), error=f"{path}: {why}", where=(None, None, why))


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


__all__ = ["Checked", "check_one", "run"]
