"""check-doc over many documents, in this process or in N job processes, in input order.

Each job process leads its own process group, so the parent can end a job together with
the symbolic worker the job has forked (``os.killpg``) when the run is interrupted or its
output pipe closes: nothing is left behind. Jobs ignore SIGINT; the parent decides.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Iterator

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


def _serve(conn, options) -> None:
    """A job: check the documents sent until told to stop (None) or the parent goes."""
    os.setpgrp()  # the parent ends this group: the job and the worker it forks
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, path = task
        try:
            conn.send((index, check_one(path, options)))
        except (BrokenPipeError, OSError):
            return


def _end(proc) -> None:
    """Kill a job's process group (the job and its worker), then the job itself."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # not yet its own group, or gone
        pass
    if proc.is_alive():
        proc.kill()
    proc.join(timeout=5)


def run(paths: list[Path], options, jobs: int = 1, progress=None) -> Iterator[Checked]:
    """Check ``paths`` and yield their outcomes in input order (``progress`` only with
    one document in this process: the chains of that document as they are done)."""
    if jobs <= 1 or len(paths) <= 1:
        for p in paths:
            yield check_one(p, options, progress if len(paths) == 1 else None)
        return
    from . import checkdoc  # noqa: F401  (imported once here, shared by every forked job)
    ctx = mp.get_context("fork")
    # Largest first (by bytes), so no long document starts last while the other jobs idle.
    todo = deque(sorted(enumerate(paths), key=lambda ip: -_size(ip[1])))
    busy: dict = {}  # connection -> (process, index of the document it is checking)
    done: dict[int, Checked] = {}
    procs = []
    try:
        for _ in range(min(jobs, len(paths))):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child, options))
            proc.start()
            child.close()
            procs.append((proc, parent))
            index, path = todo.popleft()
            parent.send((index, str(path)))
            busy[parent] = (proc, index)
        following = 0
        while following < len(paths):
            for conn in wait(list(busy)):
                proc, index = busy.pop(conn)
                try:
                    got, checked = conn.recv()
                except (EOFError, OSError):  # the job died (killed from outside?)
                    why = "internal error: the job checking this file stopped"
                    done[index] = Checked(str(paths[index]), error=f"{paths[index]}: {why}",
                                          where=(None, None, why))
                    continue
                done[got] = checked
                if todo:
                    index, path = todo.popleft()
                    conn.send((index, str(path)))
                    busy[conn] = (proc, index)
            if not busy and todo:  # every job died: finish here
                index, path = todo.popleft()
                done[index] = check_one(path, options)
            while following in done:
                yield done.pop(following)
                following += 1
    finally:
        for proc, conn in procs:
            try:
                conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for proc, conn in procs:
            if busy or not _stopped(proc):
                _end(proc)
            conn.close()


def _size(path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _stopped(proc, seconds: float = 2.0) -> bool:
    proc.join(timeout=seconds)
    return not proc.is_alive()


__all__ = ["Checked", "check_one", "run"]
