"""One derivation as HTML: its steps, reasons, verdict badges and plot; notebook fragments."""
from __future__ import annotations

import json
import re
from html import escape

import sympy as sp
from sympy.printing.pretty.pretty_symbology import greek_unicode

from ...derivation import Derivation, Step
from ...errors import MissingExtra
from ...relations import AT_MOST, EQUAL
from ..textex import pieces
from .mathml_printer import XentMathMLPrinter, _math, mathml, mathml_body
from .texmath import tex_mathml
from .style import CSS
from .words import ICON, WORDS


def _title(d: Derivation, lang: str) -> str:
    return d.title_zh if lang == "zh" and d.title_zh else d.title


def anchor(d: Derivation) -> str:
    """The id of a derivation's section (its name, made safe for an id)."""
    return "d-" + re.sub(r"[^A-Za-z0-9_-]", "-", d.name)


def justification(step: Step, lang: str = "en", printer=None) -> str:
    """The step's reason as HTML: escaped text, $math$ typeset as inline MathML (as the
    author typed it), the named expressions ("{}" outside math) as inline MathML."""
    shown = ", ".join(_math(mathml_body(e, printer)) for e in step.subject)
    out = []
    for is_math, piece in pieces(step.template(lang)):
        if is_math:
            out.append(_math(tex_mathml(piece)))
        else:
            out.append(shown.join(escape(part) for part in piece.split("{}")))
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
    from .. import plot
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
    from ...notation import i, k
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
