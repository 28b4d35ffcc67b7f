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
from typing import Callable, Iterator


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


def in_order(items: list, work: Callable, jobs: int, lost: Callable,
             weight: Callable | None = None) -> Iterator:
    """``work(item)`` for every item, done in ``jobs`` forked processes, yielded in input
    order. The heaviest items (by ``weight``) are handed out first, so no long one starts
    last while the other jobs idle; an item whose job died yields ``lost(item)``; when
    every job has died the rest are done here."""
    ctx = mp.get_context("fork")
    order = sorted(enumerate(items), key=lambda ii: -weight(ii[1])) if weight else \
        list(enumerate(items))
    todo = deque(order)
    busy: dict = {}  # connection -> (process, index of the item it is working on)
    done: dict[int, object] = {}
    procs = []
    try:
        for _ in range(min(jobs, len(items))):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child, work))
            proc.start()
            child.close()
            procs.append((proc, parent))
            index, item = todo.popleft()
            parent.send((index, item))
            busy[parent] = (proc, index)
        following = 0
        while following < len(items):
            for conn in wait(list(busy)):
                proc, index = busy.pop(conn)
                try:
                    got, value = conn.recv()
                except (EOFError, OSError):  # the job died (killed from outside?)
                    done[index] = lost(items[index])
                    continue
                done[got] = value
                if todo:
                    index, item = todo.popleft()
                    conn.send((index, item))
                    busy[conn] = (proc, index)
            if not busy and todo:  # every job died: finish here
                index, item = todo.popleft()
                done[index] = work(item)
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
