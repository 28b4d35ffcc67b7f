"""The expansion engine: macro calls expanded within its limits, mapped back to the source."""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .definitions import _CONTROL_WORD, DEFINERS, Macro, _Definitions, _Failure, _group_end

if TYPE_CHECKING:
    from .macros import Macros

MAX_EXPANSIONS = 10_000  # macro calls expanded in one display (or hint)
MAX_DEPTH = 64  # a macro's text calling another macro, this many levels deep
MAX_OUTPUT = 100_000  # characters of one expanded display
MAX_PENDING = 200_000  # tokens waiting to be read


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


def _same(text: str, want: str) -> bool:
    """Whether a token is the delimiter token `want` (any white space is one space)."""
    return text == want or (want == " " and text.isspace())


class _Run(_Definitions):
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
        if macro.default is not None:
            optional = self.optional(at, f"argument of {name}", consumed)
            args.append(optional if optional is not None
                        else [(t, at, 0, depth) for t in macro.default])
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
