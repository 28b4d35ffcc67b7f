"""Check-doc on what a sentence or a row condition says: cases of a defined loss, kinds the
prose gives names, vectors named by a formula, and steps stated for two different indices."""
from __future__ import annotations

from xentsym import document as docs
from xentsym.checkdoc import check_document
from xentsym.verify import Options


def statuses(tmp_path, text: str, name: str = "doc.md") -> list:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    got = check_document(str(path), Options(samples=300))
    assert not got.errors, got.text()
    return [s.status for s in got.steps]


def prose(text: str) -> list:
    return [h.text for h in docs.hints(docs.document_from_text(text, "x", "markdown"))
            if h.prose]


LOSS = r"""The loss of one example is

$$\text{loss} = -y \log \hat{y} - (1 - y) \log (1 - \hat{y})$$
"""


def test_a_defined_loss_restated_under_a_case_is_checked_in_that_case(tmp_path):
    # y = 0 leaves -log(1 - y-hat), y = 1 leaves -log y-hat (worked by hand)
    got = statuses(tmp_path, LOSS + r"""
$$\text{loss} = -\log (1 - \hat{y}) \quad \text{when } y = 0$$

$$\text{loss} = -\log \hat{y} \quad \text{when } y = 1, \qquad \text{loss} = -\log \hat{y} \quad \text{when } y = 0$$

$$\text{loss} = -\log \hat{y} \quad \text{when } y = 0$$
""")
    assert got == ["defined", "verified", "verified", "refuted", "refuted"]


def test_a_case_never_becomes_the_meaning_of_the_name(tmp_path):
    got = statuses(tmp_path, LOSS + r"""
$$\text{loss} = -\log \hat{y} \quad \text{when } y = 1$$

$$\text{loss} = -(1 - y) \log (1 - \hat{y}) - y \log \hat{y}$$

$$\text{loss} = -\log \hat{y}$$
""")
    # the general form still holds after the case; the case alone is no identity in y
    assert got[:3] == ["defined", "verified", "verified"] and got[3] != "verified"


def test_kinds_a_phrase_gives():
    assert prose(r"With a one-hot label $y$ and a score $s$") == ["y: one-hot"]
    assert prose(r"With one-hot labels $y$ and $t$") == ["y: one-hot", "t: one-hot"]
    assert prose(r"独热向量 $y$ 表示标签") == ["y: one-hot"]
    assert prose(r"Adding the same number $c$ to every score") == ["c: real"]
    # a distribution is often named twice (P with p.m.f. p(x)): declaring it is left to hints
    assert prose(r"a probability distribution $P$ with p.m.f. $p(x)$") == []
    assert prose(r"for some $c$ it holds") == []
    # a formula is no name: "one-hot $y_i = e_k$" declares nothing
    assert prose(r"a one-hot $\mathbf{y} + 1$") == []


GRADIENT = r"""With a one-hot label $y$ and $\hat{y} = \mathrm{softmax}(z)$, the loss is
$L = -\sum_k y_k \log \hat{y}_k$, and the gradient with respect to the logits is

$$\frac{\partial L}{\partial z_i} = {}$$
"""


def test_a_vector_named_by_a_formula_in_the_prose(tmp_path):
    # d/dz_i of -sum_k y_k log softmax_k(z) = y-hat_i - y_i for a one-hot y (by hand)
    true = GRADIENT.replace("{}", r"\hat{y}_i - y_i")
    assert statuses(tmp_path, true) == ["verified"]
    for slip in (r"y_i - \hat{y}_i", r"\hat{y}_i", r"\hat{y}_i (1 - \hat{y}_i) - y_i"):
        assert statuses(tmp_path, GRADIENT.replace("{}", slip)) == ["refuted"], slip


def test_without_one_hot_the_gradient_is_not_claimed_true(tmp_path):
    # y-hat_i sum_k y_k - y_i: equal to y-hat_i - y_i only when the labels sum to 1
    text = GRADIENT.replace("a one-hot label $y$", "labels $y$").replace("{}",
                                                                          r"\hat{y}_i - y_i")
    assert statuses(tmp_path, text) != ["verified"]


SCALE = r"""Adding the same number $c$ to every score leaves the prediction unchanged:

$$\operatorname{softmax}(\mathbf{z} + c \mathbf{1}) = \operatorname{softmax}(\mathbf{z})$$

$$\operatorname{softmax}(c \, \mathbf{z}) = \operatorname{softmax}(\mathbf{z})$$
"""


def test_a_number_the_prose_quantifies_over(tmp_path):
    assert statuses(tmp_path, SCALE) == ["verified", "refuted"]
    # a name the prose does not introduce may be a value it fixes: no refutation then
    bare = SCALE.replace("the same number $c$", "a number")
    assert statuses(tmp_path, bare)[1] == "unproven"


JACOBIAN = r"""\documentclass{article}
\begin{document}
With $\hat{y}_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}$ for $k = 1, \dots, K$,
\begin{equation}
  \frac{\partial \hat{y}_k}{\partial z_i} = %s \qquad (i \neq k).
\end{equation}
\end{document}
"""


def test_a_step_stated_for_two_different_indices(tmp_path):
    # off the diagonal the softmax Jacobian is -y-hat_k y-hat_i (by hand)
    ok = statuses(tmp_path, JACOBIAN % r"-\hat{y}_k \hat{y}_i", "j.tex")
    assert ok[-1] == "verified"
    for slip in (r"\hat{y}_k \hat{y}_i", r"\hat{y}_k (1 - \hat{y}_i)"):
        assert statuses(tmp_path, JACOBIAN % slip, "j.tex")[-1] == "refuted", slip


def test_the_witness_of_a_step_for_different_indices_has_them_differ(tmp_path):
    path = tmp_path / "j.tex"
    path.write_text(JACOBIAN % r"\hat{y}_k \hat{y}_i", encoding="utf-8")
    step = check_document(str(path), Options(samples=300)).steps[-1]
    values = step.counterexample["values"]
    assert step.status == "refuted" and values["i"] != values["k"]


def test_a_value_for_a_name_the_display_lacks_changes_nothing(tmp_path):
    text = r"""<!-- xentsym: p, q: distributions over K -->
Apply the bound with $t = q_k / p_k$ to every term:

$$\sum_{k=1}^{K} p_k \log \frac{q_k}{p_k} \le \sum_{k=1}^{K} (q_k - p_k)$$
"""
    assert statuses(tmp_path, text) == ["verified"]


def test_kinds_a_phrase_after_the_name_gives():
    assert prose(r"标签 $t$ 是独热向量，损失为") == ["t: one-hot"]
    assert prose(r"The target $y$ is a one-hot vector.") == ["y: one-hot"]
    assert prose(r"The target $y$ is the label.") == []


def test_what_the_model_predicts_is_defined_for_the_rest_of_the_document():
    assert prose(r"The model predicts $\hat{y}_i = \sigma(z_i)$ and") == \
        [r"\hat{y}_i := \sigma(z_i)"]


def test_a_counterexample_names_the_sides_as_written(tmp_path):
    # e^(a+b) >= e^a + e^b fails for small a, b: there the left side is the smaller one
    path = tmp_path / "doc.md"
    path.write_text("<!-- xentsym: a, b \\in (0, 1) -->\n$$e^{a + b} \\ge e^{a} + e^{b}$$\n",
                    encoding="utf-8")
    step = check_document(str(path), Options(samples=300)).steps[0]
    cex = step.counterexample
    assert step.status == "refuted" and cex["lhs"] < cex["rhs"]
    a, b = cex["values"]["a"], cex["values"]["b"]
    import math
    assert math.isclose(cex["lhs"], math.exp(a + b)) and \
        math.isclose(cex["rhs"], math.exp(a) + math.exp(b))
    # and no diagnosis makes the bound trivially true by a negative right side
    assert step.diagnosis is None or step.diagnosis.kind != "sign" or \
        step.diagnosis.corrected != "- e^{a} - e^{b}"


SOFTMAX_JACOBIAN = r"""$$a_j = \frac{e^{z_j}}{\sum_{k=1}^{K} e^{z_k}}$$

$$ \frac{\partial a_j}{\partial z_i} = {}, \quad i = j $$
"""


def test_an_index_comparison_after_a_break_is_the_row_condition(tmp_path):
    # d a_j / d z_i is a_i (1 - a_i) on the diagonal (by hand); off it, -a_i a_j
    assert statuses(tmp_path, SOFTMAX_JACOBIAN.replace("{}", r"a_i(1 - a_i)")) == \
        ["defined", "verified"]
    assert statuses(tmp_path, SOFTMAX_JACOBIAN.replace("{}", r"a_i(1 + a_i)")) == \
        ["defined", "refuted"]
    off = SOFTMAX_JACOBIAN.replace(r"{}, \quad i = j", r"a_i a_j,\quad i \neq j.")
    # never refuted by a witness with i = j, which the row excludes
    assert statuses(tmp_path, off)[1] == "refuted"
    assert statuses(tmp_path, off.replace("a_i a_j", "-a_i a_j"))[1] != "refuted"
