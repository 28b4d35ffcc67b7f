"""MathML in the lecture's notation: the printer, text escaping and <math> elements."""
from __future__ import annotations

import re
from html import escape

import sympy as sp
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional
from sympy.printing.pretty.pretty_symbology import greek_unicode

from ... import functions as fn
from ..printer import _simple, split_product

MINUS = "\u2212"
INVISIBLE_TIMES = "\u2062"
APPLY_FUNCTION = "\u2061"
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _text(data: str) -> str:
    """Escape text for markup, keeping the character references SymPy's printer writes."""
    out, last = [], 0
    for m in _ENTITY.finditer(data):
        out.append(escape(data[last:m.start()], quote=False))
        out.append(m.group(0))
        last = m.end()
    out.append(escape(data[last:], quote=False))
    return "".join(out)


class XentMathMLPrinter(MathMLPresentationPrinter):
    """SymPy's presentation MathML printer with the lecture's notation.

    p(x_i), q(x_i), y_i, \\hat{y}_i, p_\\theta(Y = 1 | x_i); log without brackets around a
    simple argument; H(p), H(p, q), D_KL(p || q); sums whose summand is a sum in [ ];
    factors in the order the lecture writes them (as the LaTeX printer does).
    """

    printmethod = "_mathml_xentsym"
    _default_settings = {**MathMLPresentationPrinter._default_settings, "lang": "en"}
    _CASE_WORDS = {"en": ("if\u00a0", "otherwise"), "zh": ("若\u00a0", "其他")}

    def __init__(self, settings=None):
        super().__init__(settings)
        raw = self.dom.createTextNode  # SymPy's unescaped text node
        self.dom.createTextNode = lambda data: raw(_text(str(data)))

    # -- building blocks ------------------------------------------------------------------
    def _el(self, tag, *children, **attrs):
        e = self.dom.createElement(tag)
        for key, value in attrs.items():
            e.setAttribute(key, str(value))
        for c in children:
            e.appendChild(c)
        return e

    def _tok(self, tag, text, **attrs):
        e = self._el(tag, **attrs)
        e.appendChild(self.dom.createTextNode(text))
        return e

    def _mi(self, text, **attrs):
        return self._tok("mi", text, **attrs)

    def _mo(self, text, **attrs):
        return self._tok("mo", text, **attrs)

    def _mn(self, text):
        return self._tok("mn", str(text))

    def _frac(self, top, bottom):
        """A fraction whose parts holding a sum are in display style (TeX's
        ``\\frac{1}{\\displaystyle\\sum_{m} e^{z_m}}``): the limits stay under and over the
        sign instead of shrinking to scripts beside it, as they do in a fraction's parts."""
        parts = [self._el("mstyle", part, displaystyle="true")
                 if part.getElementsByTagName("munderover") else part for part in (top, bottom)]
        return self._el("mfrac", *parts)

    def _row(self, *children):
        return self._el("mrow", *children)

    def _fenced(self, inner, left="(", right=")", expr=None):
        """``inner`` in brackets that grow only around tall content (sums, fractions)."""
        if expr is not None and _tall(expr):
            return self._row(self._mo(left), inner, self._mo(right))
        return self._row(self._mo(left, stretchy="false"), inner,
                         self._mo(right, stretchy="false"))

    def _small_paren(self, *inner):
        # Brackets of function notation, p(x_i): never stretched.
        return [self._mo("(", stretchy="false"), *inner, self._mo(")", stretchy="false")]

    def _hat(self, name="y"):
        return self._el("mover", self._mi(name), self._mo("\u02c6", stretchy="false"),
                        accent="true")

    def _index(self, indices):
        if len(indices) == 1:
            return self._print(indices[0])
        return self._row(*self._commas(indices))

    def _commas(self, args):
        out = []
        for j, a in enumerate(args):
            if j:
                out.append(self._mo(",", separator="true"))
            out.append(self._print(a))
        return out

    def _x_sub(self, index_el):
        return self._el("msub", self._mi("x"), index_el)

    # -- symbols ------------------------------------------------------------------------
    def _print_Indexed(self, expr):
        name = str(expr.base.label)
        index = self._index(expr.indices)
        if name in ("p", "q"):  # p(x_i): the probability of outcome x_i
            return self._row(self._mi(name), *self._small_paren(self._x_sub(index)))
        if name in ("y", "yk"):
            return self._el("msub", self._mi("y"), index)
        if name in ("yhat", "yhatk"):
            return self._el("msub", self._hat(), index)
        if name == "p_theta":
            return self._row(self._el("msub", self._mi("p"), self._mi(greek_unicode["theta"])),
                             *self._small_paren(self._mi("Y"), self._mo("="), self._mn(1),
                                                self._mo("|", stretchy="false"),
                                                self._x_sub(index)))
        return self._el("msub", self._print(expr.base.label), index)

    def _print_IndexedBase(self, expr):
        return self._print(expr.label)

    def _print_Symbol(self, sym, style="plain"):
        if sym.name == "p_0":
            return self._row(self._mi("p"), *self._small_paren(self._x_sub(self._mn(0))))
        if sym.name == "yhat":
            return self._hat()
        return super()._print_Symbol(sym, style)

    _print_Dummy = _print_Symbol

    def _print_Integer(self, e):
        if e < 0:
            return self._row(self._mo(MINUS), self._mn(-e))
        return self._mn(e)

    # -- named quantities -----------------------------------------------------------------
    def _quantity_name(self, e):
        tex = e.latex_name or type(e).__name__
        m = re.fullmatch(r"\\([A-Za-z]+)", tex)
        if m and m.group(1) in greek_unicode:
            return self._mi(greek_unicode[m.group(1)])
        m = re.fullmatch(r"\\operatorname\{([A-Za-z]+)\}", tex)
        if m:
            return self._mi(m.group(1), mathvariant="normal")
        m = re.fullmatch(r"([A-Za-z])_\{?([A-Za-z]+)\}?", tex)
        if m:
            return self._el("msub", self._mi(m.group(1)), self._mi(m.group(2)))
        return self._mi(tex)

    def _print_Quantity(self, e):
        return self._row(self._quantity_name(e), *self._small_paren(*self._commas(e.args)))

    def _print_LogGap(self, e):
        # Written out, as the LaTeX printer does: (t - 1 - log t).
        return self._fenced(self._print(e.unfold()), expr=e.unfold())

    def _print_KLDivergence(self, e):
        p, q = (self._print(a) for a in e.args)
        name = self._el("msub", self._mi("D"), self._mi("KL"))
        return self._row(name, *self._small_paren(p, self._mo("\u2016", stretchy="false"),
                                                  q))

    # -- functions ------------------------------------------------------------------------
    def _print_log(self, expr, exp=None):
        (arg,) = expr.args
        head = [self._mi("log"), self._mo(APPLY_FUNCTION)]
        if _simple(arg):
            out = self._row(*head, self._el("mspace", width="0.1667em"), self._print(arg))
        else:
            out = self._row(*head, self._fenced(self._print(arg), expr=arg))
        return out

    def _print_exp(self, e):
        return self._el("msup", self._mi("e"), self._print(e.args[0]))

    def _print_Derivative(self, e):
        partial = "\u2202"
        order = sum(int(c) for _, c in e.variable_count)
        top = self._mo(partial) if order == 1 else \
            self._el("msup", self._mo(partial), self._mn(order))
        bottom = []
        for var, count in e.variable_count:
            v = self._print(var)
            bottom += [self._mo(partial), v if count == 1 else
                       self._el("msup", v, self._mn(count))]
        body = e.expr
        body_el = self._fenced(self._print(body), expr=body) if isinstance(body, sp.Add) \
            else self._print(body)
        return self._row(self._frac(top, self._row(*bottom)), body_el)

    def _print_Function(self, e):
        return self._row(self._mi(type(e).__name__), self._mo(APPLY_FUNCTION),
                         *self._small_paren(*self._commas(e.args)))

    # -- arithmetic -------------------------------------------------------------------------
    def _factor(self, f):
        if isinstance(f, sp.Add):
            return self._fenced(self._print(f), expr=f)
        if isinstance(f, (sp.Sum, sp.Product)):
            return self._print(f)
        return self.parenthesize(f, PRECEDENCE["Mul"])

    def parenthesize(self, item, level, strict=False):
        prec = precedence_traditional(item)
        if prec < level or (not strict and prec <= level):
            return self._fenced(self._print(item), expr=item)
        return self._print(item)

    def _product(self, factors):
        row = []
        for j, f in enumerate(factors):
            if j:
                row.append(self._mo(INVISIBLE_TIMES))
                if isinstance(f, sp.log) or (isinstance(f, sp.Pow) and
                                             isinstance(f.base, sp.log)):
                    row.append(self._el("mspace", width="0.1667em"))  # y log p, as TeX
            row.append(self._factor(f))
        return row[0] if len(row) == 1 else self._row(*row)

    def _print_Mul(self, expr):
        negative, coeff, num, dens = split_product(expr)
        lead = [self._mo(MINUS)] if negative else []
        if dens:
            # A lone denominator needs no brackets: 1 / (1 + e^-z) is a fraction bar.
            den_el = self._print(dens[0]) if len(dens) == 1 else self._product(dens)
            top = self._mn(coeff.p) if coeff.is_Rational else self._print(coeff)
            unit = coeff.is_Rational and coeff.p == 1
            if not num:
                return self._row(*lead, self._frac(top, den_el))
            if any(isinstance(f, (sp.Sum, sp.Product)) for f in num) or not unit:
                frac = self._frac(top, den_el)
                return self._row(*lead, frac, self._mo(INVISIBLE_TIMES), self._product(num))
            return self._row(*lead, self._frac(self._product(num), den_el))
        body = [self._product(num)] if num else []
        if coeff != 1:
            body = [self._print(coeff), self._mo(INVISIBLE_TIMES), *body] if body else \
                [self._print(coeff)]
        return self._row(*lead, *(body or [self._mn(1)]))

    @staticmethod
    def _leading_minus(el) -> bool:
        first = el.firstChild if el.tagName == "mrow" else None
        return (first is not None and first.nodeType == first.ELEMENT_NODE
                and first.tagName == "mo" and first.firstChild is not None
                and first.firstChild.data in (MINUS, "-"))

    def _print_Add(self, expr, order=None):
        terms = list(expr.as_ordered_terms())
        # As the LaTeX printer: positive numbers first (1 - p), negative ones last (t - 1),
        # terms with logs of 1 - x after the plain ones.
        terms.sort(key=lambda t: (0 if t.is_Number and t > 0 else 2 if t.is_Number else 1,
                                  sp.count_ops(t) if t.has(sp.log) else 0,
                                  t.could_extract_minus_sign()))
        row = []
        for j, term in enumerate(terms):
            el = self._print(term)
            if j and self._leading_minus(el):
                el.removeChild(el.firstChild)
                row += [self._mo(MINUS), el]
            elif j:
                row += [self._mo("+"), el]
            else:
                row.append(el)
        return self._row(*row)

    def _print_Pow(self, e):
        if e.exp.is_Rational and e.exp.is_negative:
            den = e.base if e.exp == -1 else e.base ** (-e.exp)
            return self._frac(self._mn(1), self._print(den))
        base = e.base
        if isinstance(base, (sp.Add, sp.Mul, sp.Pow)) or (
                isinstance(base, sp.Rational) and not base.is_Integer) or \
                (base.is_Number and base.is_negative):
            base_el = self._fenced(self._print(base), expr=base)
        else:
            base_el = self._print(base)
        return self._el("msup", base_el, self._print(e.exp))

    def _print_big(self, expr, symbol):
        body = expr.function
        inner = self._print(body)
        if isinstance(body, sp.Add):
            inner = self._fenced(inner, "[", "]", expr=body)
        elif body.could_extract_minus_sign():
            inner = self._fenced(inner, expr=body)
        out = [inner]
        for var, lo, hi in expr.limits:
            op = self._el("munderover", self._mo(symbol, largeop="true", movablelimits="true"),
                          self._row(self._print(var), self._mo("="), self._print(lo)),
                          self._print(hi))
            out.insert(0, op)
        return self._row(*out)

    def _print_Sum(self, expr):
        return self._print_big(expr, "\u2211")

    def _print_Product(self, expr):
        return self._print_big(expr, "\u220f")

    def _print_Piecewise(self, expr):
        rows = []
        for value, condition in expr.args:
            if_word, otherwise = self._CASE_WORDS.get(self._settings["lang"],
                                                      self._CASE_WORDS["en"])
            if condition is sp.true:
                when = self._mtext(otherwise)
            else:
                when = self._row(self._mtext(if_word), self._print(condition))
            rows.append(self._el(
                "mtr", self._el("mtd", self._print(value), style="text-align:left"),
                self._el("mtd", when, style="text-align:left;padding-left:1em")))
        return self._row(self._mo("{"), self._el("mtable", *rows))

    def _mtext(self, text):
        return self._tok("mtext", text)

    _RELATION = {"==": "=", "!=": "\u2260", "<=": "\u2264", ">=": "\u2265", "<": "<",
                 ">": ">"}

    def _print_Relational(self, e):
        return self._row(self._print(e.lhs), self._mo(self._RELATION.get(e.rel_op, e.rel_op)),
                         self._print(e.rhs))

    def _print_BooleanTrue(self, e):
        return self._mtext("true")


# SymPy's dispatch skips intermediate classes of Functions, so each quantity is named here.
for _cls in fn.QUANTITIES:
    if f"_print_{_cls.__name__}" not in vars(XentMathMLPrinter):
        setattr(XentMathMLPrinter, f"_print_{_cls.__name__}", XentMathMLPrinter._print_Quantity)


def _tall(expr) -> bool:
    """Whether ``expr`` prints taller than a line: a sum, a product, cases or a fraction."""
    if isinstance(expr, (sp.Sum, sp.Product, sp.Piecewise)):
        return True
    if isinstance(expr, sp.Pow) and expr.exp.is_Rational and expr.exp.is_negative:
        return True
    if isinstance(expr, sp.Rational) and not expr.is_Integer:
        return True
    return any(_tall(a) for a in expr.args if isinstance(a, sp.Basic))


def _to_xml(el) -> str:
    return el.toxml().encode("ascii", "xmlcharrefreplace").decode()


def _math(body: str, display: bool = False, big: bool = False) -> str:
    """A <math> element around ``body``; ``big`` typesets it in display style (limits
    under and over sums, full-size fractions) while keeping it inline."""
    attrs = (' display="block"' if display else "") + (' displaystyle="true"' if big else "")
    return f"<math{attrs}>{body}</math>"


def mathml_body(expr, printer: XentMathMLPrinter | None = None) -> str:
    """The MathML of ``expr`` without the enclosing <math> element."""
    if isinstance(expr, str):  # never parse text here
        raise TypeError("mathml takes a SymPy expression, not a string")
    printer = printer or XentMathMLPrinter()
    return _to_xml(printer._print(expr))


def mathml(expr, display: bool = False, lang: str = "en") -> str:
    """``expr`` as a <math> element in the lecture's notation."""
    return _math(mathml_body(expr, XentMathMLPrinter({"lang": lang})), display)
