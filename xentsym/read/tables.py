"""The TeX the reader knows: name and fraction macros, spacing, relations, case words, and
the notation it refuses with a reason."""
from __future__ import annotations

import sympy as sp

GREEK = frozenset("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota
    kappa lambda mu nu xi rho varrho sigma tau upsilon phi varphi chi psi omega Gamma Delta
    Theta Lambda Xi Sigma Upsilon Phi Psi Omega ell""".split())
CONSTANT_MACROS: dict[str, sp.Expr] = {r"\pi": sp.pi, r"\infty": sp.oo}
# Functions written as a macro before their argument (\exp x, \tanh(z)).
FUNCTION_MACROS = {r"\exp": sp.exp, r"\tanh": sp.tanh, r"\sinh": sp.sinh, r"\cosh": sp.cosh}
FRACTION_MACROS = frozenset({r"\frac", r"\dfrac", r"\tfrac"})
BINOMIAL_MACROS = frozenset({r"\binom", r"\dbinom", r"\tbinom"})
ACCENTS = {r"\hat": "hat", r"\widehat": "hat", r"\bar": "bar", r"\overline": "bar",
           r"\tilde": "tilde", r"\widetilde": "tilde"}
NAME_MACROS = frozenset({r"\mathcal", r"\mathrm", r"\mathit", r"\text", r"\textrm",
                         r"\textit", r"\mbox"})
RAW_ARG_MACROS = NAME_MACROS | {r"\operatorname", r"\begin", r"\end", r"\mathbf",
                                r"\mathsf", r"\textbf", r"\boldsymbol", r"\mathbb"}
SPACING = frozenset({r"\,", r"\;", r"\:", r"\!", "\\ ", r"\quad", r"\qquad",
                     r"\displaystyle", r"\textstyle", r"\limits", r"\nolimits"})
SIZING = frozenset({r"\big", r"\Big", r"\bigg", r"\Bigg", r"\bigl", r"\bigr", r"\Bigl",
                    r"\Bigr", r"\biggl", r"\biggr", r"\Biggl", r"\Biggr"})
RELATIONS = {"=": "=", "<": "<", ">": ">", r"\le": "<=", r"\leq": "<=", r"\leqslant": "<=",
             r"\ge": ">=", r"\geq": ">=", r"\geqslant": ">=", r"\ne": "!=", r"\neq": "!="}
RELATION_CLASSES = {"=": sp.Eq, "<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge,
                    "!=": sp.Ne}
CHAIN_ENVIRONMENTS = frozenset({"aligned", "align", "align*", "split", "gathered",
                                "equation", "equation*"})
CASE_WORDS = frozenset({"if", "for", "when", "where"})
OTHERWISE_WORDS = frozenset({"otherwise", "else", "elsewhere"})
_ELLIPSIS = (r"an ellipsis is read only in a sum or product of one written pattern: "
             r"a_1 + a_2 + \cdots + a_n, y_1 y_2 \cdots y_N")
_EXTREMUM = (r"\max and \min as values (\max_k z_k, \max(a, b)) are not read; only the "
             r"optimisers \arg\max_{...} / \arg\min_{...} are")
# Notation that is refused, with the reason given to the user.
REJECTED: dict[str, str] = {
    r"\approx": r"approximate equality (\approx) cannot be checked",
    r"\simeq": r"approximate equality (\simeq) cannot be checked",
    r"\sim": r"'distributed as' (\sim) is not supported",
    r"\propto": r"proportionality (\propto) is not supported",
    r"\equiv": r"\equiv is not supported; use =",
    r"\cong": r"\cong is not supported",
    r"\nabla": r"gradients (\nabla) are not supported",
    r"\partial": r"\partial is only read in a derivative \frac{\partial}{\partial x} f",
    r"\int": "integrals are not supported", r"\iint": "integrals are not supported",
    r"\oint": "integrals are not supported", r"\lim": "limits are not supported",
    r"\in": r"set membership (\in) is not supported",
    r"\notin": r"set membership (\notin) is not supported",
    r"\subset": "sets are not supported", r"\subseteq": "sets are not supported",
    r"\cup": "sets are not supported", r"\cap": "sets are not supported",
    r"\setminus": "sets are not supported", r"\emptyset": "sets are not supported",
    r"\{": r"set braces \{ \} are not supported",
    r"\}": r"set braces \{ \} are not supported",
    r"\top": r"transposes (^\top) are not supported",
    r"\intercal": r"transposes (^\intercal) are not supported",
    r"\dots": _ELLIPSIS,
    r"\ldots": _ELLIPSIS,
    r"\cdots": _ELLIPSIS,
    r"\vdots": "an ellipsis cannot be read as a formula",
    r"\ddots": "an ellipsis cannot be read as a formula",
    r"\forall": "quantifiers are not supported", r"\exists": "quantifiers are not supported",
    r"\to": "arrows are not supported", r"\rightarrow": "arrows are not supported",
    r"\Rightarrow": "arrows are not supported", r"\implies": "implications are not supported",
    r"\iff": "equivalences are not supported", r"\mapsto": "arrows are not supported",
    r"\mathbb": r"\mathbb{..} is read only as \mathbb{E} (an expectation) and \mathbb{H}(p); "
               r"number sets and indicators (\mathbb{1}[x = k]) are not values",
    r"\langle": "angle brackets are not supported", r"\rangle": "angle brackets are not supported",
    r"\mathbf": "bold symbols (vectors) are not supported",
    r"\boldsymbol": "bold symbols (vectors) are not supported",
    r"\textbf": "bold text is not supported", r"\mathsf": r"\mathsf is not supported",
    r"\%": "percent signs are not supported", r"\$": "dollar signs are not supported",
    r"\#": "'#' is not supported", r"\&": "'&' is not supported", r"\_": "'\\_' is not supported",
    r"\max": _EXTREMUM, r"\min": _EXTREMUM,
}
