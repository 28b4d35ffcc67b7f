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

import bisect
import re
from dataclasses import dataclass, replace

MAX_EXPANSIONS = 10_000  # macro calls expanded in one display (or hint)
MAX_DEPTH = 64  # a macro's text calling another macro, this many levels deep
MAX_OUTPUT = 100_000  # characters of one expanded display
MAX_PENDING = 200_000  # tokens waiting to be read
MAX_MACROS = 2_000  # definitions per document
MAX_DEFINITION = 20_000  # characters of one definition outside a display
MAX_PROBLEMS = 20  # definitions that cannot be read, before the rest are not read
_EDEF_DEPTH = 8  # \edef inside the body of \edef ...

_TOKEN = re.compile(r"\\(?:[a-zA-Z]+|.)|%[^\n]*|\s+|.", re.S)
_TOKEN_AT = re.compile(r"\\(?:[a-zA-Z@]+|.)|%[^\n]*|\s+|.", re.S)  # \makeatletter code
_DEFINES = re.compile(r"\\(?:newcommand|renewcommand|providecommand|def|gdef|edef|xdef|let|"
                      r"DeclareMathOperator|DeclarePairedDelimiter|"
                      r"(?:New|Renew|Provide|Declare)DocumentCommand)(?![a-zA-Z])")
_COMMANDS = frozenset({r"\newcommand", r"\renewcommand", r"\providecommand"})
_DEFS = frozenset({r"\def", r"\gdef", r"\edef", r"\xdef"})
_DOCUMENT_COMMANDS = frozenset({r"\NewDocumentCommand", r"\RenewDocumentCommand",
                                r"\ProvideDocumentCommand", r"\DeclareDocumentCommand"})
DEFINERS = _COMMANDS | _DEFS | _DOCUMENT_COMMANDS | {
    r"\let", r"\DeclareMathOperator", r"\DeclarePairedDelimiter"}
_CONTROL_WORD = re.compile(r"\\[a-zA-Z]+")
_COMMAND = re.compile(r"\\(?:[a-zA-Z]+|.)", re.S)


def may_define(text: str) -> bool:
    r"""Whether `text` holds anything that looks like a definition (else nothing to expand).

    >>> may_define(r"a \newcommand{\x}{y}"), may_define(r"\newcommandx"), may_define("x")
    (True, False, False)
    """
    return _DEFINES.search(text) is not None


class _Failure(Exception):
    def __init__(self, offset: int, message: str, ran_out: bool = False):
        super().__init__(message)
        self.offset, self.message, self.ran_out = offset, message, ran_out


@dataclass(frozen=True)
class Macro:
    """``body`` holds token texts and parameter numbers (int k stands for #k)."""

    name: str
    params: int
    body: tuple
    default: tuple | None = None  # the optional first argument's default tokens
    # \NewDocumentCommand's argument spec: per parameter None (m) or the default of O{..}
    spec: tuple | None = None
    final: bool = False  # \let to a command the document does not define: not re-read
    refused: str | None = None  # why a call cannot be expanded
    paired: bool = False  # \DeclarePairedDelimiter: body is (left tokens, right tokens)
    # \def's delimited parameter text: (tokens before #1, the tokens after each #k)
    pattern: tuple | None = None


@dataclass(frozen=True)
class SourceMap:
    """Offsets of an expanded text back to source offsets.

    ``segments`` are (expanded offset, source offset, step): step 1 for text copied from the
    source (the offsets advance together), 0 for a macro's text (all of it at the call)."""

    segments: tuple[tuple[int, int, int], ...]
    length: int  # of the expanded text
    source_end: int  # source offset of the end of the expanded text

    def source(self, offset: int) -> int:
        """The source offset of an offset into the expanded text."""
        offset = min(max(int(offset), 0), self.length)
        if offset >= self.length or not self.segments:
            return self.source_end
        i = bisect.bisect_right(self.segments, (offset, float("inf"))) - 1
        out, src, step = self.segments[max(i, 0)]
        return src + (offset - out) * step


@dataclass(frozen=True)
class Expansion:
    """The expanded text; ``origin`` is None when nothing was expanded (text is the input).
    A ``problem`` (source offset, message) means the text could not be expanded: ``text`` is
    then the input unchanged."""

    text: str
    origin: SourceMap | None
    problem: tuple[int, str] | None = None


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


def _same(text: str, want: str) -> bool:
    """Whether a token is the delimiter token `want` (any white space is one space)."""
    return text == want or (want == " " and text.isspace())


def _group_end(tokens: list) -> int:
    """The index of the '}' closing the '{' at tokens[0]."""
    depth = 0
    for i, t in enumerate(tokens):
        depth += (t[0] == "{") - (t[0] == "}")
        if depth == 0:
            return i
    return -1


def _escaped(text: str, at: int) -> bool:
    run = 0
    while at - run - 1 >= 0 and text[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1


class _Run:
    """One expansion: `pending` is a stack of tokens still to read (the next one last)."""

    def __init__(self, book: Macros, pending: list, local: bool):
        self.book, self.pending, self.local = book, pending, local
        self.out: list[tuple[str, int, int]] = []
        self.size = 0
        self.calls = 0
        self.changed = False
        self.global_defs: list[tuple[str, Macro]] = []
        self.edef_depth = 0
        self.expand_only = False  # \edef's body: definitions in it are not made now

    # ---------------------------------------------------------------- reading tokens

    def run(self) -> None:
        while self.pending:
            tok = self.pending.pop()
            word = tok[0]
            if word in DEFINERS and not self.expand_only:
                self.changed = True
                self.emit_newlines(self.define(tok))
                continue
            macro = self.book.table.get(word) if word[0] == "\\" else None
            if macro is not None:
                self.changed = True
                self.call(macro, tok)
                continue
            self.emit(tok)

    def emit(self, tok) -> None:
        text = tok[0]
        if self.out and text[:1].isascii() and text[:1].isalpha() and \
                _CONTROL_WORD.fullmatch(self.out[-1][0]):
            self.out.append((" ", tok[1], 0))  # \sigma then x: not \sigmax
            self.size += 1
        self.out.append((text, tok[1], tok[2]))
        self.size += len(text)
        if self.size > MAX_OUTPUT:
            raise _Failure(tok[1], f"the expanded macros make this text longer than "
                                   f"{MAX_OUTPUT} characters")

    def emit_newlines(self, consumed: list) -> None:
        for tok in consumed:
            if tok[2] == 1 and "\n" in tok[0]:
                for k, c in enumerate(tok[0]):
                    if c == "\n":
                        self.out.append(("\n", tok[1] + k, 1))
                        self.size += 1

    def take(self, at: int, what: str):
        if not self.pending:
            raise _Failure(at, f"missing {what}", ran_out=True)
        return self.pending.pop()

    def skip_spaces(self, consumed: list) -> None:
        while self.pending and (self.pending[-1][0].isspace() or self.pending[-1][0][0] == "%"):
            consumed.append(self.pending.pop())

    def argument(self, at: int, what: str, consumed: list) -> list:
        """An undelimited argument: a braced group's contents, else one token."""
        self.skip_spaces(consumed)
        tok = self.take(at, what)
        consumed.append(tok)
        if tok[0] == "}":
            raise _Failure(tok[1], f"missing {what}: '}}' found")
        if tok[0] != "{":
            return [tok]
        return self.until(tok[1], "}", what, consumed)

    def until(self, at: int, closer: str, what: str, consumed: list) -> list:
        """Tokens up to `closer` at brace depth 0 (the closer is consumed, not returned)."""
        group, depth = [], 0
        while True:
            if not self.pending:
                raise _Failure(at, f"missing {what}: '{closer}' is never found", ran_out=True)
            tok = self.pending.pop()
            consumed.append(tok)
            if tok[0] == closer and depth == 0:
                return group
            if tok[0] == "{":
                depth += 1
            elif tok[0] == "}":
                depth -= 1
                if depth < 0:
                    raise _Failure(at, f"missing {what}: '}}' before '{closer}'")
            group.append(tok)

    def optional(self, at: int, what: str, consumed: list) -> list | None:
        """A [bracketed] optional argument, or None when the next token is not '['."""
        self.skip_spaces(consumed)
        if not self.pending or self.pending[-1][0] != "[":
            return None
        consumed.append(self.pending.pop())
        return self.until(at, "]", what, consumed)

    # ---------------------------------------------------------------- definitions

    def define(self, tok) -> list:
        """Read the definition that `tok` starts; return the tokens it consumed."""
        word, at = tok[0], tok[1]
        consumed = [tok]
        if word == r"\let":
            name = self.name(at, word, consumed, braces=False)
            self.skip_spaces(consumed)
            if self.pending and self.pending[-1][0] == "=":
                consumed.append(self.pending.pop())
                self.skip_spaces(consumed)
            target = self.take(at, f"second command of {word}")
            consumed.append(target)
            known = self.book.table.get(target[0])
            macro = (replace(known, name=name) if known is not None
                     else Macro(name, 0, (target[0],), final=True))
            self.store(name, macro, at, False)
            return consumed
        star = bool(self.pending) and self.pending[-1][0] == "*" and word not in _DEFS
        if star:
            consumed.append(self.pending.pop())
        name = self.name(at, word, consumed, braces=word not in _DEFS)
        if word in _DOCUMENT_COMMANDS:
            return self.document_command(word, name, at, consumed)
        if word == r"\DeclarePairedDelimiter":
            left = self.argument(at, f"left delimiter of {word}{{{name}}}", consumed)
            right = self.argument(at, f"right delimiter of {word}{{{name}}}", consumed)
            body = (tuple(t[0] for t in left), tuple(t[0] for t in right))
            self.store(name, Macro(name, 1, body, paired=True), at, False)
            return consumed
        if word == r"\DeclareMathOperator":
            body = self.argument(at, f"body of {word}{{{name}}}", consumed)
            texts = (r"\operatorname", *(("*",) if star else ()), "{",
                     *(t[0] for t in body), "}")
            self.store(name, Macro(name, 0, texts), at, False)
            return consumed
        if word in _DEFS:
            # the parameter text: delimiters before #1 (prefix) and after each #k
            params, prefix, delims, odd, prev = 0, [], [], None, name
            while self.pending and self.pending[-1][0] != "{":
                p = self.pending.pop()
                consumed.append(p)
                nxt = self.pending[-1][0] if self.pending else ""
                if p[0] == "#" and nxt == str(params + 1):
                    consumed.append(self.pending.pop())
                    params += 1
                    delims.append([])
                elif p[0] == "#":
                    odd = f"#{nxt}" if nxt != "{" else "#{"
                elif not (p[0].isspace() and _CONTROL_WORD.fullmatch(prev)):
                    (delims[-1] if delims else prefix).append(" " if p[0].isspace() else p[0])
                prev = p[0] if p[0] != "#" else "#"
            body = self.argument(at, f"body of {word}{name}", consumed)
            is_global = word in (r"\gdef", r"\xdef")
            if odd is not None:
                reason = (f"{name} is defined with {odd} in its parameter text "
                          f"({word}{name}...{{...}}), which xentsym does not expand")
                self.book.warnings.append((at, reason))
                self.store(name, Macro(name, 0, (), refused=reason), at, is_global)
                return consumed
            texts = self.parameters(body, params, at, name)
            if word in (r"\edef", r"\xdef"):
                texts = self.expanded(texts, at)
            pattern = (tuple(prefix), tuple(tuple(d) for d in delims)) \
                if prefix or any(delims) else None
            self.store(name, Macro(name, params, texts, pattern=pattern), at, is_global)
            return consumed
        params, default = 0, None
        count = self.optional(at, f"number of parameters of {word}{{{name}}}", consumed)
        if count is not None:
            digits = "".join(t[0] for t in count).strip()
            if not (len(digits) == 1 and digits.isdigit()):
                raise _Failure(at, f"{word}{{{name}}}: the number of parameters "
                                   f"[{digits}] is not a digit 0-9")
            params = int(digits)
            optional = self.optional(at, f"default argument of {word}{{{name}}}", consumed)
            if optional is not None:
                if params == 0:
                    raise _Failure(at, f"{word}{{{name}}} has a default argument but no "
                                       f"parameters")
                default = tuple(t[0] for t in optional)
        body = self.argument(at, f"body of {word}{{{name}}}", consumed)
        macro = Macro(name, params, self.parameters(body, params, at, name), default)
        exists = name in self.book.table
        if word == r"\providecommand" and exists:
            return consumed
        if word == r"\newcommand" and exists and not self.book.redefine:
            self.book.warnings.append((at, f"\\newcommand{{{name}}}: {name} is already "
                                           f"defined; LaTeX stops here, and the earlier "
                                           f"definition is kept"))
            return consumed
        self.store(name, macro, at, False)
        return consumed

    def document_command(self, word: str, name: str, at: int, consumed: list) -> list:
        """\\NewDocumentCommand{\\name}{m O{x} m}{body} (xparse); other argument types
        (o, s, d, r, v ...) are refused with a warning, and uses of the name fail."""
        spec_tokens = self.argument(at, f"argument spec of {word}{{{name}}}", consumed)
        spec, refused, k = [], None, 0
        while k < len(spec_tokens):
            letter = spec_tokens[k][0]
            k += 1
            if letter.isspace() or letter in "+!":
                continue
            if letter == "m":
                spec.append(None)
            elif letter == "O" and k < len(spec_tokens) and spec_tokens[k][0] == "{":
                end = k + _group_end(spec_tokens[k:])
                spec.append(tuple(t[0] for t in spec_tokens[k + 1:end]))
                k = end + 1
            else:
                refused = letter
                break
        body = self.argument(at, f"body of {word}{{{name}}}", consumed)
        if refused is not None:
            reason = (f"{name} takes an argument of type '{refused}' ({word}), which "
                      f"xentsym does not expand (only m and O{{default}})")
            self.book.warnings.append((at, reason))
            self.store(name, Macro(name, 0, (), refused=reason), at, False)
            return consumed
        macro = Macro(name, len(spec), self.parameters(body, len(spec), at, name),
                      spec=tuple(spec))
        exists = name in self.book.table
        if (word == r"\ProvideDocumentCommand" and exists) or \
                (word == r"\NewDocumentCommand" and exists and not self.book.redefine):
            if word == r"\NewDocumentCommand":
                self.book.warnings.append((at, f"{word}{{{name}}}: {name} is already "
                                               f"defined; the earlier definition is kept"))
            return consumed
        self.store(name, macro, at, False)
        return consumed

    def name(self, at: int, word: str, consumed: list, braces: bool) -> str:
        self.skip_spaces(consumed)
        tok = self.take(at, f"command name after {word}")
        consumed.append(tok)
        if braces and tok[0] == "{":
            inner = [t for t in self.until(at, "}", f"command name after {word}", consumed)
                     if not t[0].isspace()]
            tok = inner[0] if len(inner) == 1 else ("", at)
        if not (tok[0].startswith("\\") and len(tok[0]) > 1):
            raise _Failure(at, f"{word} must be followed by a command name such as \\R")
        return tok[0]

    def parameters(self, body: list, params: int, at: int, name: str) -> tuple:
        """Body token texts with #k turned into the int k (## into #)."""
        out, i = [], 0
        while i < len(body):
            text = body[i][0]
            if text == "#":
                nxt = body[i + 1][0] if i + 1 < len(body) else ""
                if nxt == "#":
                    out.append("#")
                    i += 2
                    continue
                if nxt.isdigit() and len(nxt) == 1 and 1 <= int(nxt) <= params:
                    out.append(int(nxt))
                    i += 2
                    continue
                raise _Failure(at, f"the definition of {name} uses #{nxt} but has "
                                   f"{params} parameter{'s' if params != 1 else ''}")
            out.append(text)
            i += 1
        return tuple(out)

    def expanded(self, texts: tuple, at: int) -> tuple:
        r"""\edef: the body with the macros it uses expanded now."""
        if any(isinstance(t, int) for t in texts):
            raise _Failure(at, "\\edef with parameters is not expanded by xentsym")
        if self.edef_depth >= _EDEF_DEPTH:
            raise _Failure(at, f"\\edef nested more than {_EDEF_DEPTH} deep")
        inner = _Run(self.book, [(t, at, 0, 0) for t in reversed(texts)], self.local)
        inner.calls, inner.edef_depth = self.calls, self.edef_depth + 1
        inner.expand_only = True
        inner.run()
        self.calls = inner.calls
        return tuple(t[0] for t in inner.out)

    def store(self, name: str, macro: Macro, at: int, is_global: bool) -> None:
        if len(self.book.history) >= MAX_MACROS:
            raise _Failure(at, f"more than {MAX_MACROS} macro definitions")
        self.book.table[name] = macro
        if not self.local:
            self.book.history.append((at, name, macro))
        elif is_global:
            self.global_defs.append((name, macro))

    # ---------------------------------------------------------------- calls

    def call(self, macro: Macro, tok) -> None:
        name, at, depth = tok[0], tok[1], tok[3] + 1
        if macro.refused:
            raise _Failure(at, macro.refused)
        self.calls += 1
        if self.calls > MAX_EXPANSIONS:
            raise _Failure(at, f"more than {MAX_EXPANSIONS} macro expansions (a definition "
                               f"that calls itself?)")
        if depth > MAX_DEPTH:
            raise _Failure(at, f"macro {name} expands more than {MAX_DEPTH} levels deep (a "
                               f"definition that calls itself?)")
        if macro.final:
            self.emit((macro.body[0], at, 0, depth))
            return
        consumed: list = []
        if macro.paired:
            return self.paired(macro, tok, depth, consumed)
        args = []
        first = 0
        if macro.default is not None:
            optional = self.optional(at, f"argument of {name}", consumed)
            args.append(optional if optional is not None
                        else [(t, at, 0, depth) for t in macro.default])
            first = 1
        if macro.pattern is not None:
            args = self.delimited(macro, tok, consumed)
        for k, default in enumerate(macro.spec or ()):
            if default is None:
                args.append(self.argument(at, f"argument {k + 1} of {name}", consumed))
                continue
            optional = self.optional(at, f"argument {k + 1} of {name}", consumed)
            args.append(optional if optional is not None
                        else [(t, at, 0, depth) for t in default])
        for k in range(len(args), macro.params):
            args.append(self.argument(at, f"argument {k + 1} of {name}", consumed))
        result = []
        for item in macro.body:
            if isinstance(item, int):
                result.extend((t[0].replace("\n", " ") if t[2] else t[0], t[1], t[2], t[3])
                              for t in args[item - 1])
            else:
                result.append((item.replace("\n", " "), at, 0, depth))
        # the newlines the call spans follow its text, so lines still count right
        result.extend(("\n", t[1] + k, 1, tok[3]) for t in consumed if t[2] == 1
                      for k, c in enumerate(t[0]) if c == "\n")
        if len(self.pending) + len(result) > MAX_PENDING:
            raise _Failure(at, f"the expanded macros make more than {MAX_PENDING} tokens")
        self.pending.extend(reversed(result))

    def delimited(self, macro: Macro, tok, consumed: list) -> list:
        """The arguments of a \\def with a delimited parameter text, as TeX matches them:
        the prefix must follow the name; a parameter followed by delimiters takes the
        tokens up to their first occurrence outside braces (one braced group loses its
        braces); one followed by none is undelimited."""
        name, at = tok[0], tok[1]
        prefix, delims = macro.pattern
        for want in (name, *prefix):
            if want != name:
                got = self.take(at, f"'{want}' after {name}")
                consumed.append(got)
                if not _same(got[0], want):
                    raise _Failure(at, f"use of {name} does not match its definition: "
                                       f"'{want}' expected, '{got[0].strip() or ' '}' found")
            if _CONTROL_WORD.fullmatch(want):
                while self.pending and self.pending[-1][0].isspace():
                    consumed.append(self.pending.pop())  # TeX drops spaces after \word
        args = []
        for k, delim in enumerate(delims):
            if not delim:
                args.append(self.argument(at, f"argument {k + 1} of {name}", consumed))
                continue
            arg, depth = [], 0
            while True:
                if not self.pending:
                    raise _Failure(at, f"missing argument {k + 1} of {name}: "
                                       f"'{''.join(delim)}' is never found", ran_out=True)
                if depth == 0 and len(self.pending) >= len(delim) and all(
                        _same(self.pending[-1 - j][0], d) for j, d in enumerate(delim)):
                    consumed.extend(self.pending.pop() for _ in delim)
                    break
                t = self.pending.pop()
                consumed.append(t)
                depth += (t[0] == "{") - (t[0] == "}")
                if depth < 0:
                    raise _Failure(at, f"argument {k + 1} of {name}: '}}' before "
                                       f"'{''.join(delim)}'")
                arg.append(t)
            if len(arg) >= 2 and arg[0][0] == "{" and arg[-1][0] == "}" and \
                    _group_end(arg) == len(arg) - 1:
                arg = arg[1:-1]
            args.append(arg)
        return args

    def paired(self, macro: Macro, tok, depth: int, consumed: list) -> None:
        r"""\abs{x}, \abs*{x} (\left \right) or \abs[\big]{x} (\bigl \bigr)."""
        name, at = tok[0], tok[1]
        left, right = ([(t, at, 0, depth) for t in part] for part in macro.body)
        self.skip_spaces(consumed)
        size = None
        if self.pending and self.pending[-1][0] == "*":
            consumed.append(self.pending.pop())
            size = ("\\left", "\\right")
        else:
            given = self.optional(at, f"size of {name}", consumed)
            if given is not None:
                word = "".join(t[0] for t in given).strip()
                if word not in ("", "\\big", "\\Big", "\\bigg", "\\Bigg"):
                    raise _Failure(at, f"{name}[{word}]: the size is not \\big, \\Big, "
                                       f"\\bigg or \\Bigg")
                size = (word + "l", word + "r") if word else None
        arg = self.argument(at, f"argument of {name}", consumed)
        result = ([(size[0], at, 0, depth)] if size else []) + left + \
            [(t[0].replace("\n", " ") if t[2] else t[0], t[1], t[2], t[3]) for t in arg] + \
            ([(size[1], at, 0, depth)] if size else []) + right
        result.extend(("\n", t[1] + k, 1, tok[3]) for t in consumed if t[2] == 1
                      for k, c in enumerate(t[0]) if c == "\n")
        self.pending.extend(reversed(result))

    def result(self, source_end: int) -> Expansion:
        segments: list[tuple[int, int, int]] = []
        pos = 0
        for text, src, step in self.out:
            if segments and step == 1 and segments[-1][2] == 1 and \
                    segments[-1][1] + (pos - segments[-1][0]) == src:
                pass  # continues the copied segment before it
            elif segments and step == 0 and segments[-1][2] == 0 and segments[-1][1] == src:
                pass
            else:
                segments.append((pos, src, step))
            pos += len(text)
        text = "".join(t[0] for t in self.out)
        return Expansion(text, SourceMap(tuple(segments), len(text), source_end))
