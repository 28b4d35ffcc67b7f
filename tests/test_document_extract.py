"""check-doc's text layer: displays, chains and hints found in Markdown and LaTeX documents."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xentsym.document import (MAX_BYTES, Document, chains, displays, document_chains,
                              document_from_bytes, document_from_text, hints, read_document,
                              warnings)
from xentsym.errors import ParseError

LECTURE = Path(__file__).resolve().parents[2] / "shared" / "lecture" / "cross-entropy-lecture.md"


def squash(text: str) -> str:
    return " ".join(text.split())


def md(text: str) -> Document:
    return document_from_text(text, "test.md")


def tex(text: str) -> Document:
    return document_from_text(text, "test.tex")


def only_steps(doc: Document):
    return [(s.chain, s.index, squash(s.lhs.text), s.relation, squash(s.rhs.text), s.line)
            for c in document_chains(doc) for s in c.steps]


# --------------------------------------------------------------------------- the lecture

@pytest.fixture(scope="module")
def lecture() -> Document:
    if not LECTURE.is_file():
        pytest.skip(f"lecture not found at {LECTURE}")
    return read_document(LECTURE)


@pytest.fixture(scope="module")
def lecture_chains(lecture):
    return document_chains(lecture)


def chain_at(chain_list, line):
    found = [c for c in chain_list if c.display.line == line]
    assert len(found) == 1, [c.display.line for c in chain_list]
    return found[0]


def test_lecture_display_count_and_lines(lecture):
    found = displays(lecture)
    # Counted by hand: 26 `$$...$$` blocks, every one on a single line.
    assert len(found) == 26
    assert all(d.kind == "$$" and d.column == 3 for d in found)
    lines = [d.line for d in found]
    assert lines[:3] == [23, 29, 35]
    assert 75 in lines and 91 in lines and 131 in lines and lines[-1] == 213
    assert found[0].latex.startswith("L = -\\frac{1}{N}")
    assert warnings(lecture) == []
    assert lecture.kind == "markdown"


def test_lecture_every_display_is_one_numbered_chain(lecture, lecture_chains):
    assert [c.number for c in lecture_chains] == list(range(1, 27))
    assert [c.display.line for c in lecture_chains] == [d.line for d in displays(lecture)]


def test_lecture_kl_aligned_block(lecture_chains):
    kl = chain_at(lecture_chains, 91)
    assert [squash(s.text) for s in kl.sides] == [
        "D_{KL}(p||q)",
        r"\sum_{i=1}^n p(x_i) \log(p(x_i)) - \sum_{i=1}^n p(x_i) \log(q(x_i))",
        r"-H(p(x)) + \left[-\sum_{i=1}^n p(x_i) \log(q(x_i)) \right]",
    ]
    assert kl.relations == ("=", "=")
    # Counted by hand in line 91: `$$\begin{aligned} ` is 18 characters, `D_{KL}(p||q) &= ` 16.
    assert (kl.sides[0].line, kl.sides[0].column) == (91, 19)
    assert (kl.sides[1].line, kl.sides[1].column) == (91, 35)
    assert [(s.chain, s.index, s.line) for s in kl.steps] == [(kl.number, 1, 91),
                                                             (kl.number, 2, 91)]


def test_lecture_final_theta_chain_has_optimisers(lecture_chains):
    theta = chain_at(lecture_chains, 213)
    assert theta is lecture_chains[-1] or theta.number == len(lecture_chains)
    assert len(theta.steps) == 4
    assert squash(theta.sides[0].text) == r"\theta_p" and theta.sides[0].optimiser is None
    assert [s.optimiser for s in theta.sides[1:]] == [
        ("max", r"\theta"), ("max", r"\theta"), ("min", r"\theta"), ("min", r"\theta")]
    assert theta.sides[1].text.startswith(r"\arg \max_{\theta} \sum_{i=1}^N")
    assert squash(theta.sides[4].text) == r"\arg \min_{\theta} \sum_{i=1}^N H(y_i, \hat{y}_i)"


def test_lecture_bernoulli_cases_not_split(lecture_chains):
    bern = chain_at(lecture_chains, 131)
    assert bern.relations == ("=", "=")
    lhs, middle, cases = (squash(s.text) for s in bern.sides)
    assert (lhs, middle) == ("f(x)", "p^x(1-p)^{1-x}")
    assert cases.startswith(r"\begin{cases}") and cases.endswith(r"\end{cases}")
    assert r"\text{if } x = 1, \\ q & \text{if } x = 0." in cases


def test_lecture_equals_inside_parentheses_not_split(lecture_chains):
    chain = chain_at(lecture_chains, 157)
    assert [squash(s.text) for s in chain.sides] == [
        r"P(D | \beta)", r"\prod_{i=1}^N P(Y = y_i | \beta)",
        r"\prod_{i=1}^N \beta^{y_i} (1 - \beta)^{1-y_i}"]
    beta = chain_at(lecture_chains, 161)
    assert [squash(s.text) for s in beta.sides] == [r"\beta", r"p_{\theta}(Y = 1 | x_i)"]


def test_lecture_sides_point_at_their_text(lecture, lecture_chains):
    lines = lecture.text.split("\n")
    for chain in lecture_chains:
        for side in chain.sides:
            first = side.text.split()[0]
            assert lines[side.line - 1][side.column - 1:].startswith(first)


# --------------------------------------------------------------------------- Markdown

MARKDOWN = r"""# Title
Inline $x$ and `$$ in code = 1 $$` here.

$$ a = b $$

$$
c = d
$$

\[ e \le f \]

```math
g = h
```

```python
s = "$$ not = math $$"
```

~~~
$$ also = ignored $$
~~~

<!-- $$ commented = out $$ -->

\begin{equation} i = j \end{equation}

\begin{align*}
k &= l \\
  &= m
\end{align*}

Price \$$5 and ``a ` $$ b`` are not math.
"""


def test_markdown_every_delimiter():
    doc = md(MARKDOWN)
    found = [(d.kind, d.line, d.column, d.latex) for d in displays(doc)]
    assert found == [
        ("$$", 4, 3, " a = b "),
        ("$$", 6, 3, "\nc = d\n"),
        ("\\[", 10, 3, r" e \le f "),
        ("math-fence", 13, 1, "g = h\n"),
        ("equation", 26, 17, " i = j "),
        ("align", 28, 15, "\nk &= l \\\\\n  &= m\n"),
    ]
    assert warnings(doc) == []
    assert only_steps(doc) == [
        (1, 1, "a", "=", "b", 4),
        (2, 1, "c", "=", "d", 7),
        (3, 1, "e", "<=", "f", 10),
        (4, 1, "g", "=", "h", 13),
        (5, 1, "i", "=", "j", 26),
        (6, 1, "k", "=", "l", 29),
        (6, 2, "l", "=", "m", 30),
    ]


def test_markdown_display_position_maps_back():
    doc = md(MARKDOWN)
    lines = doc.text.split("\n")
    for d in displays(doc):
        for offset in range(len(d.latex) + 1):
            line, col = d.position(offset)
            if offset < len(d.latex) and d.latex[offset] != "\n":
                assert lines[line - 1][col - 1] == d.latex[offset]
        assert d.position(0) == (d.line, d.column)
        assert doc.text[d.start:d.end] == d.latex


def test_markdown_fenced_code_and_comments_hide_dollars():
    doc = md("````\n```\n$$ x = 1 $$\n```\n````\n\n<!--\n$$ y = 2 $$\n-->\n$$ z = 3 $$\n")
    assert [(d.line, d.latex) for d in displays(doc)] == [(10, " z = 3 ")]


def test_markdown_block_quote_markers_are_blanked():
    doc = md("> $$ q\n> = r $$\n")
    (d,) = displays(doc)
    assert d.latex == " q\n  = r "
    assert only_steps(doc) == [(1, 1, "q", "=", "r", 2)]


def test_unclosed_dollars_warn_and_the_rest_is_read():
    doc = md("Intro\n$$ a = b\n\n$$ c = d $$\n\nend $$ e = 1\n")
    assert [(d.line, d.latex) for d in displays(doc)] == [(4, " c = d ")]
    found = warnings(doc)
    assert [(w.line, w.column) for w in found] == [(2, 1), (6, 5)]
    assert "unclosed $$" in found[0].message and "line 3" in found[0].message
    assert "end of the file" in found[1].message
    assert found[0].one_line("test.md").startswith("test.md:2:1: warning: unclosed $$")


def test_unclosed_bracket_environment_and_fence_warn():
    doc = md("\\[ x = 1\n\n\\begin{equation} y = 2\n\nok $$ z = 3 $$\n```math\nw = 4\n")
    assert [(d.kind, d.line) for d in displays(doc)] == [("$$", 5), ("math-fence", 7)]
    messages = [(w.line, w.message) for w in warnings(doc)]
    assert messages[0][0] == 1 and "unclosed \\[" in messages[0][1]
    assert messages[1][0] == 3 and "unclosed \\begin{equation}" in messages[1][1]
    assert messages[2][0] == 6 and "```math" in messages[2][1]


def test_unbalanced_braces_warn_with_line_and_column():
    doc = md("text\n$$ a = \\frac{1}{2 $$\n$$ b = c } $$\n$$ \\left( d = e $$\n")
    found = [(w.line, w.column, w.message) for w in warnings(doc)]
    assert found[0][:2] == (2, 16) and "'{' is never closed" in found[0][2]
    assert found[1][:2] == (3, 10) and "'}' without a matching '{'" in found[1][2]
    assert found[2][:2] == (4, 4) and "\\left" in found[2][2]
    assert len(displays(doc)) == 3  # still read


# --------------------------------------------------------------------------- LaTeX

LATEX = r"""\documentclass{article}
\begin{document}
% xentsym: n = 2; \beta = p_{\theta}(Y=1|x_i)
Costs 50\% here. % $$ not = a display $$
\begin{equation}
  H(p) = -\sum_i p_i \log p_i, \label{eq:h}
\end{equation}
\begin{equation*} a = b \end{equation*}
\begin{align}
  x &= y \nonumber \\
    &\le z. \tag{2}
\end{align}
\begin{gather*} u = v \\ w = t \end{gather*}
\begin{multline} p = q \\ + r \end{multline}
\[ s \approx t \]
$$ m \propto n $$
\begin{verbatim}
$$ verbatim = ignored $$
\end{verbatim}
\verb|$$ x = y $$| and \begin{cases} no \end{cases}
\end{document}
"""


def test_latex_every_environment():
    doc = tex(LATEX)
    assert doc.kind == "latex"
    assert [(d.kind, d.line, d.column) for d in displays(doc)] == [
        ("equation", 5, 17), ("equation", 8, 18), ("align", 9, 14), ("gather", 13, 16),
        ("multline", 14, 17), ("\\[", 15, 3), ("$$", 16, 3)]
    assert warnings(doc) == []
    assert only_steps(doc) == [
        (1, 1, "H(p)", "=", r"-\sum_i p_i \log p_i", 6),
        (2, 1, "a", "=", "b", 8),
        (3, 1, "x", "=", "y", 10),
        (3, 2, "y", "<=", "z", 11),
        (4, 1, "u", "=", "v", 13),
        (5, 1, "w", "=", "t", 13),
        (6, 1, "p", "=", "q + r", 14),
        (7, 1, "s", "approx", "t", 15),
        (8, 1, "m", "propto", "n", 16),
    ]


def test_latex_comments_inside_displays_are_ignored():
    doc = tex("\\begin{equation}\n a = b % = c\n = d\n\\end{equation}\n")
    assert only_steps(doc) == [(1, 1, "a", "=", "b", 2), (1, 2, "b", "=", "d", 3)]


def test_latex_kind_is_sniffed_without_suffix():
    assert document_from_text("\\documentclass{article}\n", "notes.txt").kind == "latex"
    assert document_from_text("# Notes\n$$a=b$$\n", "notes.txt").kind == "markdown"


# --------------------------------------------------------------------------- chains

def test_chain_relations_are_normalised():
    doc = md(r"$$ a := b \ne c \not= d <= e \leqslant f \geq g > h \approx i \propto j "
             r"\iff k \Leftrightarrow l \lt m $$")
    (chain,) = document_chains(doc)
    assert chain.relations == (":=", "!=", "!=", "<=", "<=", ">=", ">", "approx", "propto",
                               "iff", "iff", "<")
    assert [squash(s.text) for s in chain.sides] == list("abcdefghijklm")


def test_chain_groups_are_not_split():
    doc = md(r"$$ f = \left( a = b \right) + c = d + {e = f} + g_{i=1} "
             r"+ \begin{cases} 1 & x = 0 \\ 2 & x > 0 \end{cases} + \{x : x < 1\} $$")
    (chain,) = document_chains(doc)
    assert chain.relations == ("=", "=")
    assert squash(chain.sides[1].text) == r"\left( a = b \right) + c"


def test_chain_keeps_the_dot_of_right_and_reads_eqnarray_columns():
    doc = tex("\\begin{eqnarray} x &=& \\left\\{ a \\right. \\\\ &=& b, \\end{eqnarray}\n")
    assert only_steps(doc) == [(1, 1, "x", "=", r"\left\{ a \right.", 1),
                               (1, 2, r"\left\{ a \right.", "=", "b", 1)]


def test_chain_tags_labels_and_punctuation_are_dropped():
    doc = md("$$\n\\begin{aligned}\nX &= a \\nonumber \\\\\n  &= b + c \\label{x} \\\\[2pt]\n"
             "  &\\quad + d \\tag{3} \\\\\n  &\\le e\\,.\n\\end{aligned}\n$$\n")
    assert only_steps(doc) == [(1, 1, "X", "=", "a", 3), (1, 2, "a", "=", "b + c + d", 4),
                               (1, 3, "b + c + d", "<=", "e", 6)]


def test_chain_annotations_become_notes():
    doc = md("$$\\begin{aligned} a &\\overset{(1)}{=} b && \\text{by the rule} \\\\"
             " &= c \\qquad \\text{if } x = 0 \\end{aligned}$$")
    (chain,) = document_chains(doc)
    assert [squash(s.text) for s in chain.sides] == ["a", "b", "c"]
    assert chain.notes == ("(1)", r"\text{if } x = 0")
    assert chain.steps[0].latex == r"\overset{(1)}{=}"


def test_rows_that_do_not_start_with_a_relation_start_a_new_chain():
    doc = md("$$\\begin{aligned} L &= 1 \\\\ M &= 2 \\\\ &= 3 \\end{aligned}$$\n"
             "$$ N = 4 $$\n")
    assert only_steps(doc) == [(1, 1, "L", "=", "1", 1), (2, 1, "M", "=", "2", 1),
                               (2, 2, "2", "=", "3", 1), (3, 1, "N", "=", "4", 2)]


def test_chain_numbering_skips_displays_without_relations():
    doc = md("$$ x + y $$\n$$ a = b $$\n")
    (chain,) = document_chains(doc)
    assert chain.number == 1 and chains(displays(doc)[0]) == []


def test_optimiser_spellings():
    doc = md(r"$$ \operatorname*{arg\,min}_\theta L = \argmax_{w} J "
             r"= \underset{\beta}{\arg\max} K = \max_\theta M $$")
    (chain,) = document_chains(doc)
    assert [s.optimiser for s in chain.sides] == [("min", r"\theta"), ("max", "w"),
                                                  ("max", r"\beta"), None]


# --------------------------------------------------------------------------- hints

def test_markdown_hints():
    doc = md("intro\n<!-- xentsym: \\hat{y}_i = p_{\\theta}(Y=1|x_i); "
             "\\mathcal{L}(\\theta; X, D) = 1\n   n = 2 -->\n"
             "<!-- an ordinary comment; xentsym: no -->\n"
             "```\n<!-- xentsym: in code -->\n```\n")
    assert [(h.line, h.column, h.text) for h in hints(doc)] == [
        (2, 15, r"\hat{y}_i = p_{\theta}(Y=1|x_i)"),
        (2, 48, r"\mathcal{L}(\theta; X, D) = 1"),
        (3, 4, "n = 2"),
    ]


def test_latex_hints():
    doc = tex(LATEX + "%% XENTSYM: q = 1 - p\n\\% xentsym: not a comment\n")
    assert [(h.line, h.column, h.text) for h in hints(doc)] == [
        (3, 12, "n = 2"), (3, 19, r"\beta = p_{\theta}(Y=1|x_i)"), (22, 13, "q = 1 - p")]


# --------------------------------------------------------------------------- reading

def test_nul_byte_is_refused_with_a_location(tmp_path):
    path = tmp_path / "junk.md"
    path.write_bytes(b"# ok\nab\x00cd\n")
    with pytest.raises(ParseError) as err:
        read_document(path)
    assert (err.value.line, err.value.column) == (2, 3)
    assert err.value.one_line() == f"{path}:2:3: error: binary file: NUL byte"


def test_invalid_utf8_is_refused_with_a_location(tmp_path):
    path = tmp_path / "latin1.tex"
    path.write_bytes("one\n\u00e9t\u00e9 ".encode() + b"\xe9t\xe9\n")
    with pytest.raises(ParseError) as err:
        read_document(path)
    assert (err.value.file, err.value.line, err.value.column) == (str(path), 2, 5)
    assert "not UTF-8" in err.value.message


def test_random_binary_is_refused():
    with pytest.raises(ParseError):
        document_from_bytes(bytes(range(256)) * 4, "x.md")


def test_bom_and_crlf_are_accepted():
    doc = document_from_bytes(b"\xef\xbb\xbf$$ a = b $$\r\n$$ c = d $$\r\n", "x.md")
    assert [(d.line, d.column) for d in displays(doc)] == [(1, 3), (2, 3)]


def test_large_files_are_refused_quickly(tmp_path):
    big = tmp_path / "big.md"
    big.write_bytes(b"$$ a = b $$\n" * (MAX_BYTES // 12 + 1))
    with pytest.raises(ParseError, match="too large"):
        read_document(big)
    huge = tmp_path / "huge.md"
    with huge.open("wb") as fh:  # 10 MB, sparse
        fh.truncate(10 * 1024 * 1024)
    start = time.perf_counter()
    with pytest.raises(ParseError, match="too large") as err:
        read_document(huge)
    assert time.perf_counter() - start < 0.5
    assert err.value.file == str(huge)


def test_missing_file_and_directory_are_parse_errors(tmp_path):
    for path in (tmp_path / "nope.md", tmp_path):
        with pytest.raises(ParseError) as err:
            read_document(path)
        assert err.value.file == str(path)


# --------------------------------------------------------------------------- robustness

PATHOLOGICAL = {
    "dollars": "$$" * 300_000,
    "dollars-words": "$$x" * 200_000,
    "unclosed-dollars": "$$ a\n\n" * 100_000,
    "nested-braces": "$$" + "{" * 90_000 + "}" * 9_000 + "$$",
    "closing-braces": "$$ a = " + "}" * 90_000 + "$$",
    "left": "$$" + "\\left(" * 15_000 + "$$",
    "relations": "$$" + "a=" * 45_000 + "$$",
    "long-display": "$$" + "x+" * 300_000 + "$$",
    "backslashes": "\\" * 600_000 + "[",
    "brackets": "\\[" * 300_000,
    "backticks": "".join("`" * k + " " for k in range(1, 1100)),
    "comments": "<!--" * 150_000,
    "fences": "```\n" * 150_000,
    "environments": "\\begin{equation}" * 40_000,
    "rows": "$$" + "a=b\\\\&" * 14_000 + "$$",
    "spaces": "$$ \\operatorname{arg" + " " * 90_000 + "$$",
    "percent": "%\n" * 300_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
@pytest.mark.parametrize("suffix", [".md", ".tex"])
def test_pathological_input_finishes_quickly(name, suffix):
    start = time.perf_counter()
    doc = document_from_text(PATHOLOGICAL[name], "p" + suffix)
    found = displays(doc)
    document_chains(doc)
    hints(doc)
    assert len(warnings(doc)) <= 201
    assert time.perf_counter() - start < 10, name
    last_line = doc.text.count("\n") + 1
    assert all(1 <= d.line <= last_line for d in found)


FRAGMENTS = ["$$", "$", "\\[", "\\]", "\\", "{", "}", "(", ")", "[", "]", "&", "\\\\", "=",
             "<", ">", "<=", "\\le", "\\left(", "\\right)", "\\left.", "\\begin{aligned}",
             "\\end{aligned}", "\\begin{cases}", "\\end{cases}", "\\begin{equation}",
             "\\end{equation}", "\\begin{align*}", "\\end{align*}", "\\tag{1}", "\\label{",
             "\\text{", "\\arg\\max_{", "\\operatorname*{arg", "\\underset{", "\\overset{a}{=}",
             "\\quad", "\\text{if }", "%", "\\%", "\n", "\n\n", " ", "```", "```math\n", "~~~",
             "`", "<!--", "-->", "xentsym:", ";", "> ", "\\verb|", "\\begin{verbatim}",
             "\\end{verbatim}", "x", "y_i", "\\frac{1}{2}", ",", ".", "\u00e9", "\u71b5", "\t"]


def check_invariants(doc: Document) -> None:
    lines = doc.text.split("\n")

    def inside(line, column):
        assert 1 <= line <= len(lines)
        assert 1 <= column <= len(lines[line - 1]) + 1

    for d in displays(doc):
        inside(d.line, d.column)
        assert len(d.latex) == d.end - d.start and d.end <= len(doc.text)
        for offset, char in enumerate(d.latex):  # only blanking may differ from the file
            assert char == doc.text[d.start + offset] or char == " "
        for chain in chains(d):
            assert len(chain.sides) == len(chain.relations) + 1 >= 2
            for side in chain.sides:
                inside(side.line, side.column)
                assert 0 <= side.start <= side.end <= len(d.latex)
                for offset, char in enumerate(side.text):
                    assert char == d.latex[side.start + offset] or char.isspace()
                assert side.optimiser is None or side.optimiser[0] in ("max", "min")
            for step in chain.steps:
                inside(step.line, step.column)
    for w in warnings(doc):
        inside(w.line, w.column or 1)
    for h in hints(doc):
        inside(h.line, h.column)
        assert h.text and h.text == h.text.strip()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=60),
       st.sampled_from(["a.md", "a.tex"]))
def test_random_documents_never_crash(parts, path):
    check_invariants(document_from_text("".join(parts), path))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["a.md", "a.tex", "a.txt"]))
def test_random_bytes_give_a_document_or_a_parse_error(data, path):
    try:
        doc = document_from_bytes(data, path)
    except ParseError as err:
        assert err.file == path and err.line >= 1 and err.column >= 1
        return
    check_invariants(doc)


def test_invariants_hold_for_the_test_documents():
    for doc in (md(MARKDOWN), tex(LATEX)):
        check_invariants(doc)
