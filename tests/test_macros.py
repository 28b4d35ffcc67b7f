r"""Macros a document defines are expanded, within that file, before its displays are read.

End to end through ``check_document``: steps written with ``\newcommand``, ``\def``,
``\DeclareMathOperator`` ... are verified or refuted as if written out; verdicts and errors
point at lines of the original file; recursive definitions end quickly as located
failures; hints see the macros of their place.
"""
from __future__ import annotations

import time

import pytest

from xentsym import document as docs
from xentsym.checkdoc import check_document
from xentsym.errors import ParseError
from xentsym.parse import parse
from xentsym.read import macros
from xentsym.verify import Options

OPTIONS = Options(samples=60, timeout=20)


def check(tmp_path, text: str, name: str):
    path = tmp_path / name
    path.write_text(text)
    return check_document(str(path), OPTIONS)


def by_line(report) -> dict[int, str]:
    return {s.line: s.status for s in report.steps}


def line_of(text: str, needle: str) -> int:
    return next(n for n, ln in enumerate(text.splitlines(), 1) if needle in ln)


# ------------------------------------------------------------------ end to end, Markdown

LOGISTIC_MD = r"""# The logistic function, in shorthand

MathJax users define their shorthand in a math block of its own:

$$\newcommand{\sig}[1]{\sigma(#1)}$$

Symmetry of the logistic curve:

$$1 - \sig{z} = \sig{-z}$$

A slip: the two halves add up to one, not to twice one of them.

$$\sig{z} + \sig{-z} = 2 \sig{z}$$

A \def inside a display is kept for the displays that follow, as MathJax keeps it:

$$\def\odds#1{\frac{#1}{1 - #1}} \odds{\sig{t}} = e^{t}$$

$$\odds{\sig t} = e^{2t}$$
"""


def test_markdown_macros_verify_and_refute(tmp_path):
    report = check(tmp_path, LOGISTIC_MD, "logistic.md")
    lines = by_line(report)
    assert lines == {
        line_of(LOGISTIC_MD, r"1 - \sig{z}"): "verified",
        line_of(LOGISTIC_MD, r"2 \sig{z}"): "refuted",
        line_of(LOGISTIC_MD, r"= e^{t}"): "verified",
        line_of(LOGISTIC_MD, r"e^{2t}"): "refuted",
    }, report.steps
    # the block that only defines \sig gives no chain, and nothing is an error
    assert not report.errors
    assert len(report.steps) == 4


# ------------------------------------------------------------------ end to end, LaTeX

ENTROPY_TEX = r"""\documentclass{article}
\usepackage{amsmath}
\newcommand{\R}{\mathbb{R}}
\newcommand\half{\frac{1}{2}}
\newcommand{\nrm}[1]{\left\| #1 \right\|}
\newcommand{\Ex}[2][u]{\sum_{#1=1}^{n} #2}
\providecommand{\half}{0.7}
\def\w{\theta}
\def\ip#1#2{#1 #2}
\DeclareMathOperator{\sqr}{sqr}
\iffalse
  \renewcommand{\half}{3}
\fi
% \renewcommand{\half}{4}   (a comment: not a definition)
\begin{document}
Squares, with the first half kept:
\begin{equation}
  \half \ip{\w}{\w} = \frac{\w^2}{2}
\end{equation}
A sum with the default index and with an explicit one:
\[
  \Ex{c\,p_u} = c \Ex[v]{p_v}
\]
and a wrong one:
\[
  \Ex{(p_u + 1)} = \Ex{p_u}
\]
\renewcommand{\half}{\frac{1}{3}}
\[
  3 \half \w = \w
\]
\end{document}
"""


def test_latex_macros_verify_and_refute(tmp_path):
    report = check(tmp_path, ENTROPY_TEX, "entropy.tex")
    lines = by_line(report)
    assert lines == {
        line_of(ENTROPY_TEX, r"\half \ip{\w}"): "verified",
        line_of(ENTROPY_TEX, r"c\,p_u"): "verified",
        line_of(ENTROPY_TEX, r"\Ex{(p_u + 1)}"): "refuted",
        line_of(ENTROPY_TEX, r"3 \half \w"): "verified",
    }, report.steps
    assert not report.errors


def test_latex_definitions_inside_a_display_end_with_it():
    text = ("\\documentclass{article}\n\\begin{document}\n"
            "\\[ \\def\\k{2} x^\\k = x x \\]\n"
            "\\[ \\k = 2 \\]\n"
            "\\[ \\gdef\\m{5} \\]\n"
            "\\[ \\m = 5 \\]\n\\end{document}\n")
    doc = docs.document_from_text(text, "local.tex")
    sides = [[s.text for s in c.sides] for c in docs.document_chains(doc)]
    assert sides == [["x^2", "x x"], [r"\k", "2"], ["5", "5"]]


def test_operator_names_reach_the_reader():
    text = ("$$\\DeclareMathOperator{\\softmax}{softmax}"
            "\\DeclareMathOperator*{\\amax}{arg\\,max}$$\n\n"
            "$$\\hat{w} = \\amax_{w} \\softmax(z)_w$$\n")
    doc = docs.document_from_text(text, "ops.md")
    (chain,) = docs.document_chains(doc)
    assert chain.sides[1].text == r"\operatorname*{arg\,max}_{w} \operatorname{softmax}(z)_w"
    assert chain.sides[1].optimiser == ("max", "w")


# ------------------------------------------------------------------ positions

POSITIONS_MD = r"""Notes on a loss.

$$
\newcommand{\loss}[2]{
  -\left( #1 \log #2
  + (1 - #1) \log(1 - #2) \right)
}
$$

The loss is a sum of two terms,

$$\loss{y}{p} = -y \log p
  - (1 - y) \log(1 - p)$$

and, with the arguments on lines of their own,

$$\loss{
  y
}{
  q
} = -y \log q -
  (1 - y) \log(1 + q)$$

$$\loss{a}{b} = \frac{ }{$$
"""


def test_lines_point_at_the_original_file(tmp_path):
    report = check(tmp_path, POSITIONS_MD, "loss.md")
    steps = report.steps
    assert [(s.line, s.status) for s in steps] == [
        (line_of(POSITIONS_MD, r"- (1 - y) \log(1 - p)$$") - 1, "verified"),
        (line_of(POSITIONS_MD, r"} = -y \log q -"), "refuted"),
        (line_of(POSITIONS_MD, r"\loss{a}{b} = \frac"), "unparsed"),
    ]


def test_sides_map_back_to_the_call_and_to_copied_text():
    doc = docs.document_from_text(POSITIONS_MD, "loss.md")
    chains = docs.document_chains(doc)
    lhs = chains[0].sides[0]
    call = line_of(POSITIONS_MD, r"\loss{y}{p} = ")
    assert lhs.text.startswith(r"-\left(")  # the macro's text, not its name
    assert (lhs.line, lhs.column) == (call, 3)
    # a character of the macro's body is at the call; an argument at its own place
    y_at = lhs.text.index("y")
    assert lhs.position(y_at) == (call, 9)
    assert lhs.position(1) == (call, 3)
    # the second display spans its arguments' lines: its right side starts on the line of '}'
    rhs = chains[1].sides[1]
    assert rhs.line == line_of(POSITIONS_MD, r"} = -y \log q -")
    assert chains[1].display.end == POSITIONS_MD.index(r"(1 + q)$$") + len("(1 + q)")


def test_parse_errors_count_lines_of_the_source(tmp_path):
    text = ("\\documentclass{article}\n\\newcommand{\\pair}[2]{(#1 +\n #2)}\n"
            "\\begin{document}\n\\begin{align}\n"
            "f &= \\pair{\n a}{b}\n"
            "  + \\frac{1} \\\\\n"
            "  &= 2 + \\pair{a}{b}\n"
            "\\end{align}\n\\end{document}\n")
    report = check(tmp_path, text, "pairs.tex")
    assert [(s.line, s.status) for s in report.steps] == [
        (line_of(text, "f &= "), "unparsed"), (line_of(text, "&= 2 +"), "unparsed")]
    (chain,) = docs.document_chains(docs.document_from_text(text, "pairs.tex"))
    side = chain.sides[1]
    assert side.text.startswith("(  a +  b)\n\n")  # the call's two newlines follow it
    with pytest.raises(ParseError) as caught:
        parse(side.text, line=side.line, column=side.column)
    assert caught.value.line == line_of(text, r"+ \frac{1}")


# ------------------------------------------------------------------ limits

@pytest.mark.parametrize("definition, use", [
    (r"\def\a{\a\a}", r"\a"),                      # calls itself
    (r"\newcommand{\b}{x\b}", r"\b"),              # grows one token at a time
    (r"\def\c{\d\d\d\d}\def\d{\e\e\e\e}\def\e{\f\f\f\f}\def\f{\g\g\g\g}"
     r"\def\g{\h\h\h\h}\def\h{\i\i\i\i}\def\i{\j\j\j\j}\def\j{xxxxxxxxxxxxxxxx}", r"\c"),
    (r"\newcommand{\two}[1]{#1#1}", r"\two{\two{\two{\two{\two{\two{\two{\two{\two{\two{"
     r"\two{\two{\two{\two{\two{\two{\two{\two{\two{\two{yyyyyyyyyyyy}}}}}}}}}}}}}}}}}}}}"),
])
@pytest.mark.parametrize("kind", ["md", "tex"])
def test_runaway_macros_end_quickly_as_located_failures(tmp_path, definition, use, kind):
    if kind == "md":
        text = f"Intro.\n\n$${definition}$$\n\nThen\n\n$$z = {use} + 1$$\n"
    else:
        text = (f"\\documentclass{{article}}\n{definition}\n\\begin{{document}}\n"
                f"\\[ z = {use} + 1 \\]\n\\end{{document}}\n")
    start = time.monotonic()
    doc = docs.document_from_text(text, f"runaway.{kind}")
    found = docs.problems(doc)
    assert time.monotonic() - start < 5
    line = line_of(text, "z = ")
    assert [p.line for p in found] == [line]
    assert found[0].column > text.splitlines()[line - 1].index(use[:2])  # at a call
    assert "macro" in found[0].message
    (chain,) = docs.document_chains(doc)
    assert chain.problem is not None
    report = check(tmp_path, text, f"runaway.{kind}")
    assert [s.status for s in report.steps] == ["unparsed"]
    assert not report.ok()


def test_a_runaway_display_without_relations_still_fails_the_file(tmp_path):
    report = check(tmp_path, "$$\\def\\a{\\a\\a}\\a$$\n\n$$x + x = 2x$$\n", "loop.md")
    assert [s.status for s in report.steps] == ["verified"]
    assert report.errors and report.errors[0][:2] == (1, 15)
    assert not report.ok()


def test_delimited_parameters_follow_tex(tmp_path):
    text = ("Inner products, the TeX way.\n\n"
            "$$\\def\\ip<#1|#2>{#1 #2} \\def\\at#1|_#2{\\left. #1 \\right|_{#2}}$$\n\n"
            "$$\\ip<a+b|{c - d}> = a + b c - d$$\n\n"
            "$$\\ip< {x} | y > = y x$$\n\n"
            "$$\\ip(a|b) = a b$$\n\n"
            "$$\\def\\odd#{x} \\odd = x$$\n")
    report = check(tmp_path, text, "ip.md")
    doc = docs.document_from_text(text, "ip.md")
    sides = [[s.text for s in c.sides] for c in docs.document_chains(doc)[:2]]
    assert sides == [["a+b c - d", "a + b c - d"], ["{x}   y", "y x"]]
    assert [(s.line, s.status) for s in report.steps] == [
        (5, "verified"), (7, "verified"), (9, "unparsed"), (11, "unparsed")]
    assert "does not match its definition: '<' expected, '(' found" in report.steps[2].message
    assert any(line == 11 and "#{" in msg for line, msg in report.warnings)
    assert "#{" in report.steps[3].message


def test_malformed_definitions_are_located_problems():
    text = ("\\documentclass{article}\n\\newcommand{\\x}[two]{y}\n\\newcommand{notacommand}{y}\n"
            "\\begin{document}\n\\[ a = b \\]\n\\end{document}\n")
    doc = docs.document_from_text(text, "bad.tex")
    found = [(p.line, p.column) for p in docs.problems(doc)]
    assert found == [(2, 1), (3, 1)]


# ------------------------------------------------------------------ hints

def test_hints_are_read_with_the_macros_of_their_place(tmp_path):
    text = ("\\documentclass{article}\n\\newcommand{\\pr}{\\theta}\n"
            "% xentsym: 0 < \\pr < 1\n"
            "\\begin{document}\n\\[ \\sqrt{\\pr^2} = \\pr \\]\n\\end{document}\n")
    report = check(tmp_path, text, "hint.tex")
    assert [s.status for s in report.steps] == ["verified"]
    hint = docs.hints(docs.document_from_text(text, "hint.tex"))[0]
    assert (hint.line, hint.column, hint.text) == (3, 12, r"0 < \theta < 1")
    # without the hint the same step is refuted (theta may be negative)
    report = check(tmp_path, text.replace("% xentsym: 0 < \\pr < 1\n", "%\n"), "nohint.tex")
    assert [s.status for s in report.steps] == ["refuted"]


def test_a_hint_before_the_definition_sees_no_macro():
    text = ("<!-- xentsym: \\vx: real -->\n\n$$\\def\\vx{v}$$\n\n"
            "<!-- xentsym: \\vx: positive -->\n\n$$\\vx = \\vx$$\n")
    hints = docs.hints(docs.document_from_text(text, "h.md"))
    assert [h.text for h in hints] == [r"\vx: real", "v: positive"]


# ------------------------------------------------------------------ the mechanism

def test_arguments_follow_tex():
    book = macros.Macros()
    book.expand(r"\newcommand{\f}[2]{f(#1;#2)}\def\s{\sigma}", 0)
    assert book.expand(r"\f xy \f{ab} c \f\alpha{\beta}", 0).text == \
        r"f(x;y) f(ab;c) f(\alpha;\beta)"
    assert book.expand(r"\s x + \s\s", 0).text == r"\sigma x + \sigma\sigma"
    assert book.expand(r"\f{a}", 0).problem[1].startswith("missing argument 2 of \\f")


def test_source_map_segments():
    book = macros.Macros()
    book.expand(r"\def\one{1}", 0)
    done = book.expand("a\\one b", 50)
    assert done.text == "a1 b"
    assert [done.origin.source(k) for k in range(5)] == [50, 51, 55, 56, 57]


def test_paired_delimiters_let_and_edef():
    text = (r"\documentclass{article}" "\n"
            r"\DeclarePairedDelimiter{\abs}{\lvert}{\rvert}" "\n"
            r"\let\oldsum=\sum \def\n{N} \edef\N{\n} \def\n{M}" "\n"
            r"\begin{document}" "\n"
            r"\[ \abs{x} + \abs*{\frac{1}{y}} = \abs[\big]{\N \oldsum_{i} x_i} \]" "\n"
            r"\end{document}" "\n")
    (chain,) = docs.document_chains(docs.document_from_text(text, "pd.tex"))
    assert [s.text for s in chain.sides] == [
        r"\lvert x\rvert + \left\lvert\frac{1}{y}\right\rvert",
        r"\bigl\lvert N \sum_{i} x_i\bigr\rvert"]


def test_newcommand_twice_keeps_the_first_in_latex_and_replaces_it_in_markdown():
    tex = (r"\documentclass{article}" "\n" r"\newcommand{\c}{1}" "\n" r"\newcommand{\c}{2}"
           "\n" r"\begin{document}" "\n" r"\[ \c = x \]" "\n" r"\end{document}" "\n")
    doc = docs.document_from_text(tex, "twice.tex")
    assert docs.document_chains(doc)[0].sides[0].text == "1"
    assert any(w.line == 3 and "already defined" in w.message for w in docs.warnings(doc))
    md = "$$\\newcommand{\\c}{1}$$\n\n$$\\newcommand{\\c}{2}$$\n\n$$\\c = x$$\n"
    assert docs.document_chains(docs.document_from_text(md, "twice.md"))[0].sides[0].text == "2"


def test_a_long_definition_is_read_whole():
    body = " + ".join(f"a_{{{k}}}" for k in range(400))  # ~3,500 characters
    text = (r"\documentclass{article}" "\n" rf"\newcommand{{\total}}{{{body}}}" "\n"
            r"\begin{document}" "\n" r"\[ \total = s \]" "\n" r"\end{document}" "\n")
    doc = docs.document_from_text(text, "long.tex")
    assert not docs.problems(doc)
    assert docs.document_chains(doc)[0].sides[0].text == body


def test_many_definitions_and_displays_stay_fast():
    defs = "".join(rf"\newcommand{{\m{chr(97 + k % 26)}{chr(97 + k // 26 % 26)}}}{{x_{{{k}}}}}"
                   "\n" for k in range(600))
    displays = "".join(r"\[ \maa + \mba = \mca \]" "\n" for _ in range(2000))
    text = (r"\documentclass{article}" "\n" + defs + r"\begin{document}" "\n" + displays
            + r"\end{document}" "\n")
    start = time.monotonic()
    doc = docs.document_from_text(text, "many.tex")
    assert len(docs.document_chains(doc)) == 2000
    assert time.monotonic() - start < 10


def test_token_soup_never_raises():
    import random
    rng = random.Random(11)
    pieces = [r"\newcommand", r"\renewcommand", r"\def", r"\edef", r"\let", r"\gdef",
              r"\DeclareMathOperator", r"\DeclarePairedDelimiter", r"\providecommand", "*",
              r"\a", r"\b", "{", "}", "[", "]", "#", "1", "2", "#1", "##", " ", "\n", "x", "=",
              "%", r"\\", "$$", r"\[", r"\]", r"\iffalse", r"\fi"]
    for n in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        for kind in ("md", "tex"):
            source = f"$${text}$$\n\n$$\\a = \\b$$\n" if kind == "md" else text
            doc = docs.document_from_text(source, f"soup{n}.{kind}")
            docs.problems(doc), docs.document_chains(doc), docs.hints(doc), docs.warnings(doc)


def test_a_runaway_macro_in_a_hint_is_a_located_error(tmp_path):
    text = ("\\documentclass{article}\n\\def\\loop{\\loop x}\n"
            "% xentsym: \\loop: real\n"
            "\\begin{document}\n\\[ a + a = 2 a \\]\n\\end{document}\n")
    report = check(tmp_path, text, "hintloop.tex")
    assert [s.status for s in report.steps] == ["verified"]
    assert [e[:2] for e in report.errors] == [(3, 12)]
    assert "levels deep" in report.errors[0][2]
    assert not report.ok()


def test_preamble_code_with_at_letters_is_not_a_problem():
    text = ("\\documentclass{article}\n\\makeatletter\n\\def\\my@sum#1{\\sum_{#1}}\n"
            "\\newcommand{\\Sum}{\\my@sum{i}}\n\\makeatother\n\\begin{document}\n"
            "\\[ \\Sum x_i = \\sum_{i} x_i \\]\n\\end{document}\n")
    doc = docs.document_from_text(text, "at.tex")
    assert not docs.problems(doc) and not docs.warnings(doc)
    assert [s.text for s in docs.document_chains(doc)[0].sides] == [
        r"\sum_{i} x_i", r"\sum_{i} x_i"]


def test_xparse_document_commands(tmp_path):
    text = ("\\documentclass{article}\n\\usepackage{xparse}\n"
            "\\NewDocumentCommand{\\Ex}{O{k} m}{\\sum_{#1=1}^{K} #2}\n"
            "\\NewDocumentCommand\\flip{s m}{-#2}\n"
            "\\begin{document}\n"
            "\\[ \\Ex{2 w_k} = 2 \\Ex[j]{w_j} \\]\n"
            "\\[ \\flip*{a} = -a \\]\n"
            "\\end{document}\n")
    report = check(tmp_path, text, "xparse.tex")
    assert [(s.line, s.status) for s in report.steps] == [(6, "verified"), (7, "unparsed")]
    assert any(line == 4 and "type 's'" in msg for line, msg in report.warnings)


def test_markdown_inline_math_defines_but_prose_and_code_do_not(tmp_path):
    text = ("Shorthand: $\\newcommand{\\lg}[1]{\\log\\left(#1\\right)}$ and "
            "\\(\\def\\two{2}\\).\n\n"
            "In prose \\newcommand{\\two}{3} is just words, and in code "
            "`\\renewcommand{\\two}{4}` too:\n\n"
            "```latex\n\\renewcommand{\\lg}[1]{5}\n```\n\n"
            "$$\\lg{e^{a} e^{b}} = a + b$$\n\n"
            "$$\\two \\lg{a} = \\lg{a^\\two}$$\n")
    report = check(tmp_path, text, "inline.md")
    assert [s.status for s in report.steps] == ["verified", "verified"], report.steps
    assert not report.errors
    chains = docs.document_chains(docs.document_from_text(text, "inline.md"))
    assert [s.text for s in chains[1].sides] == [
        r"2 \log\left(a\right)", r"\log\left(a^2\right)"]
