"""Items worked on in N forked job processes, yielded in input order (check-doc, verify).

Each job process leads its own process group, so the parent can end a job together with
the symbolic worker the job has forked (``os.killpg``) when the run is interrupted or its
output pipe closes: nothing is left behind. Jobs ignore SIGINT; the parent decides.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections import deque
from multiprocessing.connection import wait
from typing import Callable, Iterable, Iterator

from . import pickling  # noqa: F401  (families keep their assumptions in the pipe)


def _serve(conn, work) -> None:
    """A job: do ``work`` on the items sent until told to stop (None) or the parent goes."""
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
        index, item = task
        try:
            conn.send((index, work(item)))
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


def in_order(items: Iterable, work: Callable, jobs: int, lost: Callable,
             weight: Callable | None = None) -> Iterator:
    """``work(item)`` for every item, done in ``jobs`` forked processes, yielded in input
    order. With ``weight`` the items are listed first and the heaviest handed out first,
    so no long one starts last while the other jobs idle; without it they are taken as the
    iterable makes them (the parent may still be running scripts while the jobs check what
    those made). An item whose job died yields ``lost(item)``; an item that cannot be sent
    to a job (it does not pickle), or any left when every job has died, is done here."""
    ctx = mp.get_context("fork")
    if weight is not None:
        listed = list(items)
        source: Iterator = iter(sorted(enumerate(listed), key=lambda ii: -weight(ii[1])))
    else:
        source = enumerate(items)
    todo: deque = deque()  # (index, item) made, not yet handed out
    kept: dict[int, object] = {}  # index -> item, until its result is in
    idle: list = []  # connections of jobs waiting for work
    busy: dict = {}  # connection -> index of the item its job is working on
    done: dict[int, object] = {}
    procs = []
    following, exhausted = 0, False

    def collect(timeout) -> None:
        for conn in wait(list(busy), timeout):
            index = busy.pop(conn)
            try:
                got, value = conn.recv()
            except (EOFError, OSError):  # the job died (killed from outside?)
                done[index] = lost(kept.pop(index))
                continue
            done[got] = value
            kept.pop(got, None)
            idle.append(conn)

    try:
        for _ in range(jobs if weight is None else min(jobs, len(listed))):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child, work))
            proc.start()
            child.close()
            procs.append((proc, parent))
            idle.append(parent)
        while not exhausted or todo or busy:
            if busy:  # keep the jobs fed while the parent makes more items
                collect(0 if not exhausted or (todo and idle) else None)
            if not exhausted and (not todo or not idle):
                try:
                    index, item = next(source)
                except StopIteration:
                    exhausted = True
                else:
                    todo.append((index, item))
                    kept[index] = item
            while idle and todo:
                index, item = todo.popleft()
                conn = idle.pop()
                try:
                    conn.send((index, item))
                except (BrokenPipeError, EOFError, OSError):  # that job is gone
                    todo.appendleft((index, item))
                    continue
                except Exception:  # cannot be pickled: done here
                    idle.append(conn)
                    done[index] = work(kept.pop(index))
                    continue
                busy[conn] = index
            if todo and not idle and not busy:  # every job died: finish here
                index, item = todo.popleft()
                done[index] = work(kept.pop(index))
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


def _stopped(proc, seconds: float = 2.0) -> bool:
    proc.join(timeout=seconds)
    return not proc.is_alive()


__all__ = ["in_order"]
