"""Derivations as one self-contained HTML page: MathML, justifications, a verdict per step.

The page needs nothing at view time: no script, no web font, no stylesheet from elsewhere.
Math is presentation MathML (rendered natively by current browsers), printed by a subclass
of SymPy's MathML printer that writes the lecture's notation; plots are inline SVG.
Every piece of text is escaped.
"""
from __future__ import annotations

import json
import re
from html import escape

import sympy as sp
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE, precedence_traditional
from sympy.printing.pretty.pretty_symbology import greek_unicode

from .. import functions as fn
from ..derivation import Derivation, Step
from ..errors import MissingExtra
from ..relations import AT_MOST, EQUAL
from .printer import _simple, split_product

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
        return self._row(self._el("mfrac", top, self._row(*bottom)), body_el)

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
                return self._row(*lead, self._el("mfrac", top, den_el))
            if any(isinstance(f, (sp.Sum, sp.Product)) for f in num) or not unit:
                frac = self._el("mfrac", top, den_el)
                return self._row(*lead, frac, self._mo(INVISIBLE_TIMES), self._product(num))
            return self._row(*lead, self._el("mfrac", self._product(num), den_el))
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
            return self._el("mfrac", self._mn(1), self._print(den))
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


# ---------------------------------------------------------------------------------------
# Words

WORDS = {
    "en": {
        "contents": "Contents", "needs": "needs", "rule": "rule",
        "verified": "verified", "refuted": "refuted", "unproven": "unproven",
        "proved": "proved symbolically", "samples": "checked numerically at {n} samples",
        "numeric_failed": "the numeric check found a counterexample among {n} samples",
        "numeric_error": "numeric check could not run: {msg}",
        "symbolic": {"disproved": "symbolic check disproved it",
                     "unknown": "no symbolic proof found",
                     "timeout": "symbolic check timed out"},
        "counterexample": "counterexample", "at": "at", "left": "left side",
        "right": "right side",
        "summary": "{d} derivations ({s} steps): {v} verified, {r} refuted, {u} unproven",
        "summary_one": "{s} steps: {v} verified, {r} refuted, {u} unproven",
        "settings": "Each step was checked symbolically and at about {n} random points "
                    "(seed {seed}).",
        "page_title": "Cross-entropy derivations, checked step by step",
        "plot": "Plot",
        "lead": "Every line below follows from the one before it by the rule named under "
                "it. Each step carries its verdict: proved symbolically and confirmed on "
                "random samples, or the counterexample that breaks it.",
    },
    "zh": {
        "contents": "目录", "needs": "条件", "rule": "规则",
        "verified": "已验证", "refuted": "不成立", "unproven": "未证明",
        "proved": "符号证明成立", "samples": "数值检验 {n} 个样本通过",
        "numeric_failed": "数值检验在 {n} 个样本中找到反例",
        "numeric_error": "数值检验无法进行：{msg}",
        "symbolic": {"disproved": "符号检验判定不成立", "unknown": "未找到符号证明",
                     "timeout": "符号检验超时"},
        "counterexample": "反例", "at": "取值", "left": "左边", "right": "右边",
        "summary": "{d} 个推导（共 {s} 步）：{v} 个已验证，{r} 个不成立，{u} 个未证明",
        "summary_one": "共 {s} 步：{v} 步已验证，{r} 步不成立，{u} 步未证明",
        "settings": "每一步都经过符号检验，并在约 {n} 个随机点上做数值检验（随机种子 {seed}）。",
        "page_title": "交叉熵推导：逐步检验",
        "plot": "图",
        "lead": "下面每一行都由上一行按其下方写明的规则得到。每一步都附有检验结果："
                "符号证明并经随机样本确认，或给出使其不成立的反例。",
    },
}

ICON = {"verified": "\u2713", "refuted": "\u2717", "unproven": "?"}

CSS = """
.xentsym { --ok: #1a7f37; --ok-bg: #e6f4ea; --bad: #b42318; --bad-bg: #fdecea;
  --open: #8a5a00; --open-bg: #fff4d6; --ink: #1f2328; --muted: #5f6b7a; --rule: #d8dee4;
  color: var(--ink); }
.xentsym math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math",
  "DejaVu Math TeX Gyre", math; font-size: 1.12em; math-style: normal; }
.xentsym section.derivation { margin: 2.2em 0 3em; }
.xentsym h1, .xentsym h2, .xentsym h3 { margin: 0 0 .3em; display: flex; flex-wrap: wrap;
  align-items: baseline; gap: .2em .5em; }
.xentsym section h2, .xentsym section h3 { font-size: 1.35em; }
.xentsym .name { font: .8em ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted);
  font-weight: normal; }
.xentsym .description { color: var(--muted); margin: 0 0 1em; }
.xentsym .steps-wrap { overflow-x: auto; border: 1px solid var(--rule); border-radius: 8px; }
.xentsym table.steps { border-collapse: collapse; width: 100%; }
.xentsym table.steps td { vertical-align: middle; }
.xentsym tr.step td { padding: .75em .25em .15em; }
.xentsym tr.why td { padding: 0 .6em .7em .25em; border-bottom: 1px solid var(--rule); }
.xentsym td.num { color: var(--muted); font-size: .85em; text-align: right; width: 1.5em;
  padding: .9em .5em .7em .8em !important; vertical-align: top !important;
  border-bottom: 1px solid var(--rule); }
.xentsym tbody > tr:nth-last-child(2) td.num, .xentsym tbody > tr.why:last-child td {
  border-bottom: none; }
.xentsym td.lhs { text-align: right; white-space: nowrap; }
.xentsym td.rel { text-align: center; white-space: nowrap; padding: 0 .35em !important; }
.xentsym td.rhs { text-align: left; white-space: nowrap; width: 100%; }
.xentsym div.why { display: flex; flex-wrap: wrap; align-items: baseline; gap: .3em .9em;
  font-size: .9em; }
.xentsym div.why math { font-size: 1.05em; }
.xentsym .rule { font: .85em ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); }
.xentsym .needs { color: var(--muted); }
.xentsym .verdict { margin-left: auto; display: inline-flex; flex-wrap: wrap;
  align-items: baseline; gap: .2em .6em; }
.xentsym .badge { display: inline-block; border-radius: 999px; padding: .05em .65em;
  font-size: .85em; line-height: 1.45; border: 1px solid transparent; white-space: nowrap; }
.xentsym .badge.verified { color: var(--ok); background: var(--ok-bg); border-color: #b7dfc2; }
.xentsym .badge.refuted { color: var(--bad); background: var(--bad-bg); border-color: #f4b8b1; }
.xentsym .badge.unproven { color: var(--open); background: var(--open-bg);
  border-color: #f0d58c; }
.xentsym .status { font-size: .6em; vertical-align: middle; font-weight: 600; }
.xentsym .detail { font-size: .85em; color: var(--muted); }
.xentsym .counterexample { flex-basis: 100%; padding: .4em .6em;
  background: var(--bad-bg); border-radius: 6px; color: var(--bad); font-size: .85em;
  white-space: pre-wrap; word-break: break-word;
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.xentsym figure.plot { margin: 1.2em 0 0; text-align: center; }
.xentsym figure.plot svg { max-width: 100%; height: auto; }
.xentsym figure.plot figcaption { color: var(--muted); font-size: .9em; }
.xentsym ul.where { color: var(--muted); }
"""

PAGE_CSS = """
html { background: #fff; }
body { margin: 0 auto; max-width: 1180px; padding: 2em 1.5em 4em;
  font: 16px/1.5 "DejaVu Sans", "Noto Sans", "Segoe UI", Helvetica, Arial,
  "AR PL SungtiL GB", "Noto Sans CJK SC", sans-serif; }
h1 { font-size: 1.8em; margin: 0 0 .3em; }
p.lead { color: #444c56; max-width: 52em; }
p.summary { font-weight: 600; }
nav.toc { border: 1px solid #d8dee4; border-radius: 8px; padding: .8em 1.2em;
  background: #fafbfc; }
nav.toc h2 { font-size: 1.05em; margin: 0 0 .4em; display: block; }
nav.toc ol { margin: 0; padding-left: 1.4em; }
nav.toc li { margin: .2em 0; }
nav.toc a { color: #0b57d0; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
nav.toc .badge { margin-left: .5em; font-size: .75em; }
"""


# ---------------------------------------------------------------------------------------
# Pieces of a derivation

def _title(d: Derivation, lang: str) -> str:
    return d.title_zh if lang == "zh" and d.title_zh else d.title


def anchor(d: Derivation) -> str:
    """The id of a derivation's section (its name, made safe for an id)."""
    return "d-" + re.sub(r"[^A-Za-z0-9_-]", "-", d.name)


def justification(step: Step, lang: str = "en", printer=None) -> str:
    """The step's reason as HTML: escaped text, the named expressions as inline MathML."""
    parts = step.template(lang).split("{}")
    shown = ", ".join(_math(mathml_body(e, printer)) for e in step.subject)
    out = []
    for j, part in enumerate(parts):
        out.append(escape(part))
        if j < len(parts) - 1:
            out.append(shown)
    return "".join(out)


def _condition(c, printer) -> str:
    body = mathml_body(c.expr, printer)
    rel = {"> 0": ">", "< 0": "<"}.get(c.kind)
    if rel is None:
        return _math(f"{body}<mo>\u2208</mo><mi mathvariant=\"double-struck\">R</mi>")
    return _math(f"{body}<mo>{escape(rel)}</mo><mn>0</mn>")


def _number(x) -> str:
    if isinstance(x, float):
        return f"{x:.6g}"
    if isinstance(x, list):
        return "[" + ", ".join(_number(v) for v in x) + "]"
    return str(x)


def counterexample_text(ce, lang: str = "en") -> str:
    """A counterexample in one readable line (plain text; escape before use)."""
    w = WORDS[lang]
    if isinstance(ce, dict) and set(ce) == {"values", "lhs", "rhs"} and \
            isinstance(ce["values"], dict):
        at = ", ".join(f"{k} = {_number(v)}" for k, v in ce["values"].items())
        return (f"{w['at']} {at}: {w['left']} = {_number(ce['lhs'])}, "
                f"{w['right']} = {_number(ce['rhs'])}")
    return json.dumps(ce, ensure_ascii=False, default=str)


def badge(result, lang: str = "en") -> str:
    """The verdict of one step (a verify.StepResult) as a badge with its evidence."""
    w = WORDS[lang]
    status = result.status
    sym, num = result.symbolic, result.numeric
    details = []
    if sym.status == "proved":
        details.append(w["proved"])
    else:
        text = w["symbolic"].get(sym.status, sym.status)
        details.append(f"{text} ({sym.message})" if sym.message else text)
    if num.status == "passed":
        details.append(w["samples"].format(n=num.samples))
    elif num.counterexample is None:
        details.append(w["numeric_error"].format(msg=num.message or "?"))
    else:
        details.append(w["numeric_failed"].format(n=num.samples)
                       + (f" ({num.message})" if num.message else ""))
    sep = "；" if lang == "zh" else "; "
    out = ['<span class="verdict">',
           f'<span class="badge {status}" data-status="{status}" '
           f'data-symbolic="{escape(sym.status)}" data-numeric="{escape(num.status)}" '
           f'data-samples="{int(num.samples)}">{ICON[status]} {escape(w[status])}</span>',
           f'<span class="detail">{escape(sep.join(details))}</span>', "</span>"]
    if num.counterexample is not None:
        out.append(f'<span class="counterexample">{escape(w["counterexample"])}: '
                   f'{escape(counterexample_text(num.counterexample, lang))}</span>')
    return "".join(out)


def _arg(sense: str, param: str) -> str:
    op = {"min": "arg\u2009min", "max": "arg\u2009max"}[sense]
    return (f"<munder><mi>{escape(op)}</mi><mrow>{param}</mrow></munder>"
            f'<mspace width="0.1667em"></mspace>')


def _parameter(d: Derivation, printer) -> str:
    """The parameter under arg min / arg max as MathML: ``d.parameter`` is LaTeX."""
    if d.parameter:
        name = d.parameter.strip().lstrip("\\")
        if re.fullmatch(r"[A-Za-z]+", name):
            text = greek_unicode.get(name, name)
            return f"<mi>{escape(text)}</mi>"
        return f"<mtext>{escape(d.parameter)}</mtext>"
    parts = [mathml_body(w, printer) for w in d.wrt]
    return '<mo separator="true">,</mo>'.join(parts)


def rows(d: Derivation, printer=None) -> list[tuple[str, str, str]]:
    """(left, relation, right) MathML bodies per step, laid out like latex.rows."""
    printer = printer or XentMathMLPrinter()
    out = []
    param = _parameter(d, printer)
    in_optimiser = False
    for s in d.steps:
        after = mathml_body(s.after, printer)
        if s.relation.is_optimiser and not in_optimiser:
            in_optimiser = True
            earlier_equal = all(x.relation == EQUAL for x in d.steps[: s.index - 1])
            prev = d.start if earlier_equal else s.before
            left = _arg(_sense_before(d, s), param) + mathml_body(prev, printer)
            out.append((left, "=", _arg(s.sense, param) + after))
        elif in_optimiser:
            out.append(("", "=", _arg(s.sense, param) + after))
        else:
            left = mathml_body(d.start, printer) if not out else ""
            out.append((left, RELATION_SIGN.get(s.relation.key, "="), after))
    return out


RELATION_SIGN = {EQUAL.key: "=", AT_MOST.key: "\u2264"}


def _sense_before(d: Derivation, s: Step) -> str:
    return d.steps[s.index - 2].sense if s.index > 1 else d.sense


def heading(d: Derivation, result=None, lang: str = "en", tag: str = "h2") -> str:
    """The derivation's title, its name, and its overall verdict."""
    out = f'<{tag}>{escape(_title(d, lang))} <span class="name">{escape(d.name)}</span>'
    if result is not None:
        status = result.status
        out += (f' <span class="badge status {status}" data-status="{status}">'
                f'{ICON[status]} {escape(WORDS[lang][status])}</span>')
    return out + f"</{tag}>"


def section(d: Derivation, result=None, lang: str = "en", plots: bool = True,
            tag: str | None = "h2") -> str:
    """One derivation as an HTML <section>: title (unless ``tag`` is None), steps with
    their reasons and verdicts, and its plot."""
    w = WORDS[lang]
    printer = XentMathMLPrinter({"lang": lang})
    results = {r.step.index: r for r in result.steps} if result is not None else {}
    parts = [f'<section class="derivation" id="{anchor(d)}" data-name="{escape(d.name)}">']
    if tag:
        parts.append(heading(d, result, lang, tag))
    if d.description and lang == "en":
        parts.append(f'<p class="description">{escape(d.description)}</p>')
    parts.append('<div class="steps-wrap"><table class="steps"><tbody>')
    for s, (left, rel, right) in zip(d.steps, rows(d, printer)):
        conds = [_condition(c, printer) for c in s.conditions if c.kind != "real"]
        needs = (f'<span class="needs">{escape(w["needs"])} '
                 + ", ".join(dict.fromkeys(conds)) + "</span>") if conds else ""
        verdict = badge(results[s.index], lang) if s.index in results else ""
        parts.append(
            f'<tr class="step" data-index="{s.index}">'
            f'<td class="num" rowspan="2">{s.index}</td>'
            f'<td class="lhs">{_math(left, big=True) if left else ""}</td>'
            f'<td class="rel">{_math("<mo>" + escape(rel) + "</mo>", big=True)}</td>'
            f'<td class="rhs">{_math(right, big=True)}</td></tr>'
            f'<tr class="why" data-index="{s.index}"><td colspan="3"><div class="why">'
            f'<span class="reason">{justification(s, lang, printer)}</span> '
            f'<span class="rule">{escape(w["rule"])} {escape(s.rule)}</span>'
            f"{needs}{verdict}</div></td></tr>")
    parts.append("</tbody></table></div>")
    if plots:
        parts.append(_plot(d, lang))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _plot(d: Derivation, lang: str) -> str:
    """The plot that goes with ``d`` as inline SVG, or "" (no plot, or no matplotlib)."""
    from . import plot
    name = plot.FOR_DERIVATION.get(d.name)
    if name is None:
        return ""
    try:
        svg = plot.inline_svg(name, prefix=f"{anchor(d)}-{name}")
    except MissingExtra:
        return ""
    caption = f"{WORDS[lang]['plot']}: {plot.PLOTS[name][1]} (xentsym plot {name})"
    return (f'<figure class="plot" data-plot="{escape(name)}">{svg}'
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def fragment(d: Derivation, result=None, lang: str = "en", plots: bool = False) -> str:
    """A derivation as an HTML fragment with its own (scoped) style, for notebooks."""
    return (f'<div class="xentsym"><style>{CSS}</style>'
            f"{section(d, result, lang, plots, tag='h3')}</div>")


def formula_fragment(formula, lang: str = "en") -> str:
    """A lecture formula as an HTML fragment: title, MathML, and where each symbol lives."""
    from ..notation import i, k
    where = []
    families = sorted({ix.base for ix in formula.expr.atoms(sp.Indexed)}, key=str)
    labels = {f.label for f in families}
    symbols = sorted((s for s in formula.expr.free_symbols
                      if isinstance(s, sp.Symbol) and s not in labels), key=str)
    for atom in [*families, *symbols]:
        decl = formula.scope.lookup(atom)
        if decl is None:
            continue
        # A family is shown with its indices, p(x_i) or y_{i,k}.
        shown = atom[(i, k)[:len(decl.over)]] if decl.over else atom
        meaning = f": {decl.meaning}" if decl.meaning else ""
        where.append(f"<li>{mathml(shown, lang=lang)} \u2208 {escape(decl.domain.name)}"
                     f"{escape(meaning)}</li>")
    items = f'<ul class="where">{"".join(where)}</ul>' if where else ""
    return (f'<div class="xentsym formula"><style>{CSS}</style>'
            f'<p><strong>{escape(formula.title)}</strong> '
            f'<span class="name">{escape(formula.name)}</span></p>'
            f"{mathml(formula.expr, display=True, lang=lang)}{items}</div>")


def _summary(results, lang: str) -> str:
    w = WORDS[lang]
    steps = [s for r in results for s in r.steps]
    if len(results) == 1:
        counts = {k: sum(s.status == k for s in steps) for k in ("verified", "refuted",
                                                                  "unproven")}
        template = w["summary_one"]
    else:
        counts = {k: sum(r.status == k for r in results) for k in ("verified", "refuted",
                                                                   "unproven")}
        template = w["summary"]
    return template.format(d=len(results), s=len(steps), v=counts["verified"],
                           r=counts["refuted"], u=counts["unproven"])


def page(derivations, results=None, lang: str = "en", plots: bool = True, options=None,
         title: str | None = None) -> str:
    """A complete HTML document; a table of contents when it holds several derivations."""
    w = WORDS[lang]
    derivations = list(derivations)
    by_name = {r.derivation.name: r for r in results} if results is not None else {}
    single = len(derivations) == 1
    if title is None:
        title = _title(derivations[0], lang) if single else w["page_title"]
    if single:
        body = [heading(derivations[0], by_name.get(derivations[0].name), lang, "h1")]
    else:
        body = [f"<h1>{escape(title)}</h1>"]
    body.append(f'<p class="lead">{escape(w["lead"])}</p>')
    if results:
        body.append(f'<p class="summary">{escape(_summary(results, lang))}</p>')
    if results and options is not None:
        settings = w["settings"].format(n=options.samples, seed=options.seed)
        body.append(f'<p class="settings">{escape(settings)}</p>')
    if not single:
        items = []
        for d in derivations:
            r = by_name.get(d.name)
            mark = (f' <span class="badge {r.status}">{ICON[r.status]} '
                    f'{escape(w[r.status])}</span>') if r is not None else ""
            items.append(f'<li><a href="#{anchor(d)}">{escape(_title(d, lang))}</a>{mark}'
                         "</li>")
        body.append(f'<nav class="toc"><h2>{escape(w["contents"])}</h2><ol>'
                    + "".join(items) + "</ol></nav>")
    for d in derivations:
        body.append(section(d, by_name.get(d.name), lang, plots, None if single else "h2"))
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="xentsym">',
        '<link rel="icon" href="data:,">',
        f"<title>{escape(title)}</title>",
        f"<style>{PAGE_CSS}{CSS}</style>",
        "</head>",
        '<body class="xentsym">',
        *body,
        "</body>",
        "</html>",
        "",
    ])


def render(derivations, lang: str = "en", options=None, plots: bool = True):
    """Verify ``derivations`` and return (page, results)."""
    from ..verify import Options, verify
    options = options or Options()
    derivations = list(derivations)
    results = verify(derivations, options)
    return page(derivations, results, lang, plots, options), results
