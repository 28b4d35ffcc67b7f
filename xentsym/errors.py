"""The exception tree: every error a user can cause is a XentsymError with a location."""
from __future__ import annotations


class XentsymError(Exception):
    """Base of all errors xentsym reports to users (never shown as a traceback)."""

    def __init__(self, message: str, *, file: str | None = None,
                 line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column

    def __reduce__(self):
        # with its location: a job sends the errors of the scripts it ran to the parent
        return _restored, (type(self), self.args, dict(self.__dict__))

    def located(self, file: str | None = None, line: int | None = None,
                column: int | None = None) -> "XentsymError":
        """Fill in a location the raiser did not know; return self."""
        self.file = self.file or file
        self.line = self.line or line
        self.column = self.column or column
        return self

    def one_line(self) -> str:
        """``path:line:col: error: message`` with the parts that are known."""
        where = [str(x) for x in (self.file, self.line, self.column) if x is not None]
        prefix = ":".join(where) + ": " if where else ""
        text = " ".join(self.message.split())
        return f"{prefix}error: {text}"


class ParseError(XentsymError):
    """LaTeX or a document that cannot be read."""


class DomainError(XentsymError):
    """A symbol without a domain, or a domain that cannot hold a value."""


class RuleError(XentsymError):
    """A rule that does not apply, or whose side conditions cannot be proved."""


class DerivationError(XentsymError):
    """A derivation script that is malformed or fails to load."""


class MissingExtra(XentsymError):
    """An optional dependency is not installed."""

    def __init__(self, package: str, extra: str):
        super().__init__(f"{package} is not installed; run: pip install 'xentsym[{extra}]'")
        self.package = package
        self.extra = extra


def _restored(cls, args: tuple, state: dict) -> XentsymError:
    """An error as pickled: its class, message and location (``XentsymError.__reduce__``)."""
    exc = cls.__new__(cls)
    Exception.__init__(exc, *args)
    exc.__dict__.update(state)
    return exc
