r"""Macros a document defines (``\newcommand``, ``\def`` ...), expanded as TeX would before
its displays are read, with a map from the expanded text back to the source.

What is expanded: the document's own definitions, in reading order --

* ``\newcommand``, ``\renewcommand``, ``\providecommand`` (and their ``*`` forms) with
  ``[n]`` parameters and an optional first argument ``[default]``;
* ``\def``, ``\gdef``, ``\edef``, ``\xdef`` with parameters ``#1#2...`` or a delimited
  parameter text (``\def\pair(#1,#2){..}``, matched as TeX does; the ``#{`` form is
  refused with a warning, and a later use of that macro is a located failure);
* ``\let\a\b``;
* ``\DeclareMathOperator{\softmax}{softmax}``, expanded to ``\operatorname{softmax}`` (the
  starred form to ``\operatorname*{...}``), so the reader sees an operator name;
* mathtools' ``\DeclarePairedDelimiter{\abs}{\lvert}{\rvert}``: ``\abs{x}`` is
  ``\lvert x\rvert``, ``\abs*{x}`` uses ``\left``/``\right``, ``\abs[\big]{x}``
  ``\bigl``/``\bigr``;
* xparse's ``\NewDocumentCommand`` (Renew, Provide, Declare) with ``m`` and ``O{default}``
  arguments (other argument types are refused with a warning; their uses fail).

Arguments follow TeX: spaces before an argument are skipped, a braced group gives its
contents, otherwise one token does. Macros the document does not define (``\frac``,
``\mathbb`` ...) are left alone.

Positions: every character of the expanded text maps back to the source
(:class:`SourceMap`): text copied from the source maps to itself, the text of a macro body to
the macro call. A call's expansion holds no newline; the newlines the call spanned (in its
arguments) follow it, so a line counted in the expanded text is a line of the source.

Bounds: :data:`MAX_EXPANSIONS`, :data:`MAX_DEPTH`, :data:`MAX_OUTPUT` and
:data:`MAX_PENDING` stop a recursive or exponential definition quickly; the text is then
reported as a located failure, never expanded in part.

Definitions are read into macros in :mod:`.definitions`, and expanded (within the bounds,
with the source map) in :mod:`.expansion`; this module keeps the document's table.

>>> book = Macros()
>>> book.expand(r"\newcommand{\sig}[1]{\sigma(#1)} 1 - \sig{z} = \sig z", 0).text
' 1 - \\sigma(z) = \\sigma(z)'
>>> e = book.expand(r"\sig{x}+y", 100)
>>> e.text, e.origin.source(0), e.origin.source(len(e.text) - 1)
('\\sigma(x)+y', 100, 108)
>>> book.expand(r"\def\a{\a\a}\a", 0).problem[1]
'macro \\a expands more than 64 levels deep (a definition that calls itself?)'
"""
from __future__ import annotations

import re

from .definitions import _DEFINES, DEFINERS, MAX_MACROS, Macro, _Failure
from .expansion import (MAX_DEPTH, MAX_EXPANSIONS, MAX_OUTPUT, MAX_PENDING, Expansion,
                        SourceMap, _Run)

__all__ = ["MAX_EXPANSIONS", "MAX_DEPTH", "MAX_OUTPUT", "MAX_PENDING", "MAX_MACROS",
           "MAX_DEFINITION", "MAX_PROBLEMS", "DEFINERS", "Macro", "SourceMap", "Expansion",
           "Macros", "may_define"]

MAX_DEFINITION = 20_000  # characters of one definition outside a display
MAX_PROBLEMS = 20  # definitions that cannot be read, before the rest are not read

_TOKEN = re.compile(r"\\(?:[a-zA-Z]+|.)|%[^\n]*|\s+|.", re.S)
_TOKEN_AT = re.compile(r"\\(?:[a-zA-Z@]+|.)|%[^\n]*|\s+|.", re.S)  # \makeatletter code
_COMMAND = re.compile(r"\\(?:[a-zA-Z]+|.)", re.S)


def may_define(text: str) -> bool:
    r"""Whether `text` holds anything that looks like a definition (else nothing to expand).

    >>> may_define(r"a \newcommand{\x}{y}"), may_define(r"\newcommandx"), may_define("x")
    (True, False, False)
    """
    return _DEFINES.search(text) is not None


def _tokens(text: str, start: int, at_letter: bool = False) -> list[tuple[str, int, int, int]]:
    r"""(text, source offset, step, depth) tokens, in reverse order (a stack). With
    `at_letter`, ``@`` is a letter (``\my@op``: a preamble under \makeatletter)."""
    pattern = _TOKEN_AT if at_letter else _TOKEN
    return [(m.group(), start + m.start(), 1, 0) for m in pattern.finditer(text)][::-1]


class Macros:
    """A document's macro table, read in order; definitions made outside groups are
    :attr:`history` (offset, name, macro), so the table at any offset can be rebuilt."""

    def __init__(self, *, redefine: bool = False):
        self.redefine = redefine  # \newcommand replaces a macro (MathJax), not kept (LaTeX)
        self.table: dict[str, Macro] = {}
        self.history: list[tuple[int, str, Macro]] = []
        self.warnings: list[tuple[int, str]] = []
        self.problems: list[tuple[int, str]] = []
        self._at: tuple[int, dict[str, Macro]] = (0, {})  # table_at's last answer

    def table_at(self, offset: int) -> dict[str, Macro]:
        r"""The macros defined (outside groups) before source offset `offset` (not to be
        changed by the caller; asked in increasing order, each answer costs only the
        definitions since the last).

        >>> book = Macros()
        >>> book.define_in(r"\def\a{1} \def\b{2} \def\a{3}", 0, 30)
        >>> [sorted((k[1:], m.body) for k, m in book.table_at(at).items()) for at in (5, 11, 30)]
        [[('a', ('1',))], [('a', ('1',)), ('b', ('2',))], [('a', ('3',)), ('b', ('2',))]]
        """
        done, table = self._at
        if done and self.history[done - 1][0] >= offset:
            done, table = 0, {}
        if done < len(self.history) and self.history[done][0] < offset:
            table = dict(table)
            while done < len(self.history) and self.history[done][0] < offset:
                _, name, macro = self.history[done]
                table[name] = macro
                done += 1
        self._at = (done, table)
        return table

    def define_in(self, text: str, start: int, end: int) -> None:
        """Read the definitions in text[start:end] (LaTeX outside displays; nothing else
        there is expanded). A definition that cannot be read is a problem."""
        pos = start
        while len(self.problems) < MAX_PROBLEMS:
            m = _DEFINES.search(text, pos, end)
            if m is None:
                return
            if _escaped(text, m.start()):
                pos = m.end()
                continue
            pos = m.end()
            size = 512  # most definitions are short: read more only when one runs on
            while True:
                stop = min(end, m.start() + size)
                run = _Run(self, _tokens(text[m.start():stop], m.start(), True), local=False)
                word = run.pending.pop()
                try:
                    run.define(word)
                except _Failure as exc:
                    if exc.ran_out and stop < end and size < MAX_DEFINITION:
                        size *= 4
                        continue
                    if exc.ran_out and stop < end:
                        exc.message = (f"{word[0]} longer than {MAX_DEFINITION} characters "
                                       f"is not read")
                    self.problems.append((exc.offset, exc.message))
                    break
                pos = run.pending[-1][1] if run.pending else stop
                break

    def expand(self, text: str, start: int, *, local: bool = False,
               table: dict[str, Macro] | None = None) -> Expansion:
        r"""Expand the macros of `text` (which starts at source offset `start`); definitions
        in it are read too. With `local`, they end with the text (a TeX group: a LaTeX
        display), except \gdef and \xdef. `table` replaces the document's table (a hint
        read with the macros of its place) and is left unchanged."""
        if table is None and not any(w in self.table or w in DEFINERS
                                     for w in _COMMAND.findall(text)):
            return Expansion(text, None)
        saved = self.table
        if table is not None:
            self.table, local = dict(table), True
        elif local:
            self.table = dict(saved)
        run = _Run(self, _tokens(text, start), local)
        try:
            run.run()
            problem = None
        except _Failure as exc:
            problem = (exc.offset, exc.message)
        finally:
            if table is not None or local:
                self.table = saved
                if table is None:
                    for name, macro in run.global_defs:
                        self.table[name] = macro
        if problem is not None:
            return Expansion(text, None, problem)
        if not run.changed:
            return Expansion(text, None)
        return run.result(start + len(text))


def _escaped(text: str, at: int) -> bool:
    run = 0
    while at - run - 1 >= 0 and text[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1
