r"""A document's definitions (``\newcommand``, ``\def`` ...) read into :class:`Macro` objects."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

MAX_MACROS = 2_000  # definitions per document
_EDEF_DEPTH = 8  # \edef inside the body of \edef ...

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


def _group_end(tokens: list) -> int:
    """The index of the '}' closing the '{' at tokens[0]."""
    depth = 0
    for i, t in enumerate(tokens):
        depth += (t[0] == "{") - (t[0] == "}")
        if depth == 0:
            return i
    return -1


class _Definitions:
    """The part of an expansion run (:class:`.expansion._Run`) that reads a definition from
    its pending tokens and stores the macro it makes."""

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
                self.refuse(name, reason, at, is_global)
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
            self.refuse(name, reason, at, False)
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
        inner = type(self)(self.book, [(t, at, 0, 0) for t in reversed(texts)], self.local)
        inner.calls, inner.edef_depth = self.calls, self.edef_depth + 1
        inner.expand_only = True
        inner.run()
        self.calls = inner.calls
        return tuple(t[0] for t in inner.out)

    def refuse(self, name: str, reason: str, at: int, is_global: bool) -> None:
        """A definition xentsym does not expand: a warning, and each use of `name` fails."""
        self.book.warnings.append((at, reason))
        self.store(name, Macro(name, 0, (), refused=reason), at, is_global)

    def store(self, name: str, macro: Macro, at: int, is_global: bool) -> None:
        if len(self.book.history) >= MAX_MACROS:
            raise _Failure(at, f"more than {MAX_MACROS} macro definitions")
        self.book.table[name] = macro
        if not self.local:
            self.book.history.append((at, name, macro))
        elif is_global:
            self.global_defs.append((name, macro))
