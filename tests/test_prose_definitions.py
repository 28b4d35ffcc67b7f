"""Definitions a sentence makes in inline math ("let $u_k = 1/K$"), read as soft hints."""
from __future__ import annotations

from xentsym import document as docs
from xentsym.checkdoc import check_document
from xentsym.verify import Options


def report(tmp_path, text: str, name: str = "doc.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_document(str(path), Options(samples=300))


def prose(text: str, kind: str = "markdown") -> list:
    doc = docs.document_from_text(text, "x", kind)
    return [h.text for h in docs.hints(doc) if h.prose]


def test_which_sentences_define():
    assert prose("Let $u_k = 1/K$ be uniform.") == ["u_k := 1/K"]
    assert prose(r"where $m = \sum_{i=1}^{N} x_i$ counts heads.") == \
        [r"m := \sum_{i=1}^{N} x_i"]
    assert prose(r"令 $z = w x + b$。") == ["z := w x + b"]
    # a case, a comparison, a value, a claim in passing: no definition
    assert prose("If $y = 1$ the loss is one term.") == []
    assert prose("Let $y = 1$.") == []
    assert prose(r"Let $a \le b$ and note $c = d$.") == []
    assert prose("We see that $H(p) = 0$ here.") == []
    # inside code, no
    assert prose("```\nLet $u = v$\n```\n") == []


def test_a_prose_definition_is_used_by_later_displays(tmp_path):
    got = report(tmp_path, r"""Let $u_k = 1/K$ be the uniform distribution.

<!-- xentsym: p: distributions over K -->
$$\mathrm{KL}(p \,\|\, u) = \sum_{k=1}^{K} p_k \log (K p_k)$$

where $m = \sum_{i=1}^{N} x_i$ counts the heads.

$$m + 1 = \sum_{i=1}^{N} x_i$$
""")
    assert [s.status for s in got.steps] == ["verified", "refuted"], got.text()


def test_an_unreadable_prose_definition_is_no_error(tmp_path):
    got = report(tmp_path, r"""Let $\mathbf{X}\mathbf{w} = \mathbf{y}$ be the system.

$$a + a = 2a$$
""")
    assert not got.errors and [s.status for s in got.steps] == ["verified"]


def test_a_formula_said_with_is_holds_for_the_next_display_only(tmp_path):
    assert prose(r"the prediction is $\hat{y} = \sigma(z)$, so") == [r"\hat{y} = \sigma(z)"]
    got = report(tmp_path, r"""When the prediction is a sigmoid, $\hat{y} = \sigma(z)$, we get

$$\log \hat{y} = -\log(1 + e^{-z})$$

and later, for any prediction,

$$\log \hat{y} = -\log(1 + e^{-z})$$
""")
    first, second = (s.status for s in got.steps)
    assert first == "verified" and second != "verified", got.text()


def test_formulas_listed_after_a_defining_word_are_defined_alike():
    got = prose(r"Write $t_i = \theta x_i$ and $h_i = \sigma(t_i)$. If $y = 1$ and $z = w$ then")
    assert got == [r"t_i := \theta x_i", r"h_i := \sigma(t_i)"]
