"""The latex2sympy2 call for flat terms and the post-pass that rebuilds its result with checked
arithmetic."""
from __future__ import annotations

import sympy as sp

from .tokens import Fail

MAX_EXPONENT = 1000  # largest |integer exponent| accepted
MAX_DIGITS = 2000  # largest number (in decimal digits) any step may create
MAX_FACTORIAL = 500  # largest integer whose factorial is computed
MAX_TERM_ATOMS = 200  # atoms in one flat product handed to latex2sympy2

_CONFIG = None  # latex2sympy2's ConversionConfig, made on first use


def _digits(v: int) -> int:
    return max(1, int(abs(v).bit_length() * 0.30103) + 1)


class BridgeMixin:
    """A flat term through latex2sympy2, then rebuilt from its placeholders."""

    def _latex2sympy(self, parts, holders, at) -> sp.Expr:
        if not parts:
            raise Fail("an expression is missing here", at)
        if len(parts) == 1 and len(holders) == 1:
            return next(iter(holders.values()))[0]
        if len(holders) > MAX_TERM_ATOMS or len(parts) > 3 * MAX_TERM_ATOMS:
            raise Fail(f"more than {MAX_TERM_ATOMS} factors in one product", at)
        if (len(parts) == 2 and len(holders) == 1 and parts[0][0] in "+-"):
            value = next(iter(holders.values()))[0]
            return -value if parts[0][0] == "-" else value
        text, spans = "", []
        for piece, offset in parts:
            spans.append((len(text), offset))
            text += piece + " "
        try:
            out = _call_latex2sympy(text)
        except RecursionError:
            raise Fail("the formula is too long or too deeply nested to read", at) from None
        except Exception as exc:  # latex2sympy2 raises bare Exceptions
            raise Fail(f"cannot read this: {_first_line(exc)}", _map_column(exc, spans, at)) \
                from None
        if not isinstance(out, sp.Expr):
            raise Fail("this does not read as an expression", at)
        found = {s.name for s in out.atoms(sp.Symbol)}
        for name, (_, offset) in holders.items():
            if name not in found:
                raise Fail("this part of the formula would be lost by the LaTeX reader",
                           offset)
        return self._rebuild(out, holders, at)

    def _rebuild(self, e, holders, at) -> sp.Expr:
        if isinstance(e, sp.Symbol):
            if e.name not in holders:
                raise Fail(f"the LaTeX reader produced an unexpected symbol {e.name}", at)
            return holders[e.name][0]
        if isinstance(e, (sp.Rational, sp.NumberSymbol)) or e is sp.E or e in (sp.oo, -sp.oo):
            return e
        if not isinstance(e, _REBUILT):
            raise Fail(f"unsupported construct ({type(e).__name__}) in the formula", at)
        args = [self._rebuild(a, holders, at) for a in e.args]
        if isinstance(e, sp.Pow):
            exponent = e.args[1]
            if isinstance(exponent, sp.Symbol) and exponent.name in holders:
                at = holders[exponent.name][1]
            return checked_pow(args[0], args[1], at)
        if isinstance(e, sp.factorial):
            (a,) = args
            if a.is_Integer and a > MAX_FACTORIAL:
                raise Fail(f"factorial of a number above {MAX_FACTORIAL} is not computed", at)
            return sp.factorial(a)
        if isinstance(e, sp.log):
            if len(args) == 2 and args[1] != sp.E:
                return sp.log(args[0], args[1])
            return sp.log(args[0])
        out = e.func(*args)
        if isinstance(out, (sp.Add, sp.Mul)):
            for a in out.args:
                check_number(a, at)
        check_number(out, at)
        return out


_REBUILT = (sp.Add, sp.Mul, sp.Pow, sp.log, sp.exp, sp.factorial)


def check_number(v, at):
    if isinstance(v, sp.Rational) and max(abs(v.p), v.q).bit_length() > MAX_DIGITS * 3.33:
        raise Fail(f"a number with more than {MAX_DIGITS} digits", at)


def checked_pow(b: sp.Expr, e: sp.Expr, at: int) -> sp.Expr:
    if e.is_Rational and abs(e) > MAX_EXPONENT:
        raise Fail(f"exponent larger than {MAX_EXPONENT} (not computed)", at)
    if b.is_Rational and e.is_Rational:
        size = max(_digits(b.p), _digits(b.q))
        if size > 1 and abs(e) * size > MAX_DIGITS:
            raise Fail(f"the power would have more than {MAX_DIGITS} digits (not computed)", at)
    return sp.Pow(b, e)


def _call_latex2sympy(text: str):
    global _CONFIG
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig
    if _CONFIG is None:
        _CONFIG = ConversionConfig(interpret_as_mixed_fractions=False,
                                   interpret_simple_eq_as_assignment=False,
                                   interpret_contains_as_eq=False, lowercase_symbols=False)
    return latex2sympy(text, normalization_config=None, conversion_config=_CONFIG)


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _map_column(exc: Exception, spans: list, default: int) -> int:
    lines = str(exc).splitlines()
    if lines and "^" in lines[-1]:
        col = lines[-1].index("^")
        best = default
        for begin, offset in spans:
            if begin <= col:
                best = offset
        return best
    return default
