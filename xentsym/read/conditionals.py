r"""Dead code in LaTeX: the branches of ``\iffalse ... \fi`` (and ``\iftrue ... \else ... \fi``)
that TeX never typesets.

Conditionals nest: every TeX conditional (the primitives ``\ifx``, ``\ifnum`` ... and the
``\ifNAME`` switches a document declares with ``\newif``) is closed by its own ``\fi``.
Commands that only look like conditionals (``\iff``, ``\ifthenelse{..}{..}{..}``,
etoolbox's ``\ifdef{..}``) take no ``\fi`` and are not counted. The branches known to be
dead are those of ``\iffalse``, ``\iftrue`` and of ``\newif`` switches, which are false
until ``\NAMEtrue`` sets them (in reading order); other conditionals keep both branches.
"""
from __future__ import annotations

import re

PRIMITIVES = frozenset("""if ifcat ifnum ifdim ifodd ifvmode ifhmode ifmmode ifinner ifvoid
    ifhbox ifvbox ifx ifeof iftrue iffalse ifcase ifdefined ifcsname iffontchar ifincsname
    ifprimitive ifabsnum ifabsdim ifpdfprimitive ifpdfabsnum ifpdfabsdim""".split())
_NEWIF = re.compile(r"\\newif\s*\\(if[a-zA-Z]+)")
_WORD = re.compile(r"\\(if[a-zA-Z]*|else|fi|[a-zA-Z]+(?:true|false))(?![a-zA-Z])")


def _escaped(text: str, at: int) -> bool:
    run = 0
    while at - run - 1 >= 0 and text[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def dead_ranges(text: str) -> tuple[list[tuple[int, int]], int | None]:
    """``(ranges, unclosed)``: the (start, end) ranges TeX skips, and the offset of an
    ``\\iffalse`` that is never closed (its range then runs to the end), else None."""
    declared = {m.group(1) for m in _NEWIF.finditer(text)}
    conditionals = PRIMITIVES | declared
    switches: dict[str, bool] = {}  # \newif\ifdraft is false until \drafttrue
    stack: list[list] = []  # [name, dead now?, offset of the opener]
    ranges: list[tuple[int, int]] = []
    dead_from: int | None = None
    for m in _WORD.finditer(text):
        if _escaped(text, m.start()):
            continue
        word = m.group(1)
        setting = re.fullmatch(r"([a-zA-Z]+)(true|false)", word)
        if setting and "if" + setting.group(1) in declared:
            if not any(frame[1] for frame in stack):  # a setting in dead code does nothing
                switches["if" + setting.group(1)] = setting.group(2) == "true"
            continue
        if word.startswith("if"):
            if word not in conditionals:
                continue
            if text[max(0, m.start() - 40):m.start()].rstrip().endswith(r"\newif"):
                switches[word] = False  # \newif\ifdraft declares the switch, false
                continue
            known = {"iffalse": False, "iftrue": True}.get(word, switches.get(word))
            stack.append([word, known is False, m.start(), known])
        elif not stack:
            continue
        elif word == "else":
            frame = stack[-1]
            if frame[3] is not None:  # a branch of a conditional whose value is known
                frame[1] = frame[3]
        elif word not in ("fi",):
            continue
        else:  # fi
            stack.pop()
        dead = any(frame[1] for frame in stack)
        if dead and dead_from is None:
            dead_from = m.start()
        elif not dead and dead_from is not None:
            ranges.append((dead_from, m.end()))
            dead_from = None
    if dead_from is not None:
        ranges.append((dead_from, len(text)))
        opener = next(frame[2] for frame in stack if frame[1])
        return ranges, opener
    return ranges, None
