"""A LaTeX printer for the lecture's notation: p(x_i), \\hat{y}_i, \\log without braces, [ ] summands."""
from __future__ import annotations

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE

# How each indexed family is written; {0} is the index (or "i,k" for two).
FAMILY_LATEX = {
    "p": "p(x_{{{0}}})",
    "q": "q(x_{{{0}}})",
    "y": "y_{{{0}}}",
    "yhat": r"\hat{{y}}_{{{0}}}",
    "p_theta": r"p_{{\theta}}(Y = 1 | x_{{{0}}})",
    "yk": "y_{{{0}}}",
    "yhatk": r"\hat{{y}}_{{{0}}}",
}
SYMBOL_LATEX = {"p_0": "p(x_0)", "yhat": r"\hat{y}"}


def _simple(e: sp.Expr) -> bool:
    """Arguments that need no brackets after \\log: p(x_i), \\hat{y}_i, N, H(p)."""
    return isinstance(e, (sp.Symbol, sp.Indexed, sp.Function)) and not isinstance(e, sp.log)


def split_product(expr: sp.Expr) -> tuple:
    """A product as written: (negative?, |coefficient|, numerator factors in reading order,
    denominator factors including the coefficient's own denominator)."""
    coeff, rest = expr.as_coeff_Mul()
    negative = bool(coeff.is_negative)
    coeff = -coeff if negative else coeff
    num, den = [], []
    for f in sp.Mul.make_args(rest):
        if isinstance(f, sp.Pow) and f.exp.is_Rational and f.exp.is_negative:
            den.append(f.base if f.exp == -1 else f.base ** (-f.exp))
        elif f is not sp.S.One:
            num.append(f)
    num.sort(key=XentLatexPrinter._order)
    if coeff.is_Rational and (coeff.q != 1 or den):
        den = ([sp.Integer(coeff.q)] if coeff.q != 1 else []) + den
    return negative, coeff, num, den


class XentLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the lecture's conventions."""

    printmethod = "_latex"
    # breaks: write texwidth.MARK before each term of a sum, where a long line may break.
    _default_settings = {**LatexPrinter._default_settings, "bracket_summands": True,
                         "breaks": False, "lang": "en"}
    # The words of a case table: "if" and "otherwise" (same as the MathML printer's).
    CASE_WORDS = {"en": ("if", "otherwise"), "zh": ("若", "其他")}

    def _print_Indexed(self, expr):
        name = str(expr.base.label)
        index = ",".join(self._print(ix) for ix in expr.indices)
        if name in FAMILY_LATEX:
            return FAMILY_LATEX[name].format(index)
        return f"{self._print(expr.base.label)}_{{{index}}}"

    def _print_Symbol(self, expr, style="plain"):
        name = expr.name
        if name in SYMBOL_LATEX:
            return SYMBOL_LATEX[name]
        return super()._print_Symbol(expr, style)

    def _print_Function(self, expr, exp=None):
        # A function the text named (q_theta(x_i), logit(theta)): written back as the reader
        # reads it, the name and then its arguments in brackets.
        if not isinstance(expr, AppliedUndef):
            return super()._print_Function(expr, exp)
        name = expr.func.__name__
        stem, _, sub = name.partition("_")
        head = self._print(sp.Symbol(stem))
        if len(stem) > 1 and not head.startswith("\\"):
            head = rf"\operatorname{{{stem}}}"
        if sub:
            head += f"_{{{self._print(sp.Symbol(sub))}}}"
        args = ", ".join(self._print(a) for a in expr.args)
        tex = rf"{head}\left({args}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_log(self, expr, exp=None):
        (arg,) = expr.args
        inner = self._print(arg)
        tex = rf"\log {inner}" if _simple(arg) else rf"\log\left({inner}\right)"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"

    def _factor(self, f: sp.Expr) -> str:
        tex = self._print(f)
        if isinstance(f, sp.Add):
            return rf"\left({tex}\right)"
        if isinstance(f, (sp.Sum, sp.Product)):
            return tex
        return self.parenthesize(f, PRECEDENCE["Mul"])

    @staticmethod
    def _order(f: sp.Expr) -> tuple:
        # Written order: plain factors, then logs, then sums (p(x_i) \log q(x_i), 1/N \sum);
        # among powers, p^y before (1 - p)^{1 - y}.
        if isinstance(f, (sp.Sum, sp.Product)):
            return (2, 0)
        if f.has(sp.log) and not isinstance(f, sp.Pow):
            return (1, 0)
        return (0, int(isinstance(f, sp.Add)
                       or (isinstance(f, sp.Pow) and isinstance(f.base, sp.Add))))

    def _print_Mul(self, expr):
        negative, coeff, num, dens = split_product(expr)
        sign = "- " if negative else ""
        body = " ".join(self._factor(f) for f in num)
        if dens:
            # A lone denominator needs no brackets: \frac{1}{1 + e^{-z}}.
            den_tex = self._print(dens[0]) if len(dens) == 1 else \
                " ".join(self._factor(d) for d in dens)
            top = coeff.p if coeff.is_Rational else self._print(coeff)
            if not num:
                return rf"{sign}\frac{{{top}}}{{{den_tex}}}"
            if any(isinstance(f, (sp.Sum, sp.Product)) for f in num) or top != 1:
                return rf"{sign}\frac{{{top}}}{{{den_tex}}} {body}"
            return rf"{sign}\frac{{{body}}}{{{den_tex}}}"
        if coeff != 1:
            body = f"{self._print(coeff)} {body}" if body else self._print(coeff)
        return sign + (body or "1")

    def _print_Add(self, expr, order=None):
        terms = list(expr.as_ordered_terms())
        # Keep terms with logs of 1 - x after the plain ones: y log yhat + (1 - y) log(1 - yhat).
        # Positive numbers first (1 - p, not -p + 1), negative ones last (t - 1).
        terms.sort(key=lambda t: (0 if t.is_Number and t > 0 else 2 if t.is_Number else 1,
                                  sp.count_ops(t) if t.has(sp.log) else 0,
                                  t.could_extract_minus_sign()))
        out = ""
        mark = "\x00" if self._settings["breaks"] else ""
        for j, term in enumerate(terms):
            tex = self._print(term)
            if j == 0:
                out = tex
            elif tex.startswith("- "):
                out += mark + " - " + tex[2:]
            elif tex.startswith("-"):
                out += mark + " - " + tex[1:]
            else:
                out += mark + " + " + tex
        return out

    def _print_big(self, expr, symbol):
        out = ""
        for var, lo, hi in reversed(expr.limits):
            out += rf"{symbol}_{{{self._print(var)}={self._print(lo)}}}^{{{self._print(hi)}}} "
        body = expr.function
        tex = self._print(body)
        if isinstance(body, sp.Add) and self._settings["bracket_summands"]:
            tex = rf"\left[{tex}\right]"
        elif isinstance(body, sp.Add) or body.could_extract_minus_sign():
            tex = rf"\left({tex}\right)"
        return out + tex

    def _print_Sum(self, expr):
        return self._print_big(expr, r"\sum")

    def _print_Product(self, expr):
        return self._print_big(expr, r"\prod")

    def _print_Piecewise(self, expr):
        rows = []
        if_word, otherwise = self.CASE_WORDS[self._settings["lang"]]
        for value, condition in expr.args:
            when = rf"\text{{{otherwise}}}" if condition is sp.true else \
                rf"\text{{{if_word} }} {self._print(condition)}"
            rows.append(rf"{self._print(value)} & {when}")
        return r"\begin{cases} " + r", \\ ".join(rows) + r". \end{cases}"


def latex(expr: sp.Expr, **settings) -> str:
    """The lecture-style LaTeX of ``expr``."""
    return XentLatexPrinter(settings).doprint(expr)
