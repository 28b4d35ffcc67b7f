"""What a document's names mean: families it defines, functions it leaves undefined, bare
function names in derivatives, information in bits, and inequalities between undeclared
names. Each true statement must verify and each false one must never verify."""
from __future__ import annotations

from xentsym.checkdoc import check_document
from xentsym.verify import Options


def statuses(tmp_path, text: str, name: str = "doc.md") -> list:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [(s.status, s.message) for s in check_document(str(path), Options(samples=300)).steps]


def test_a_family_defined_by_its_entry_is_written_out(tmp_path):
    got = statuses(tmp_path, r"""
$$\ell_i = \log(1 + e^{z_i}) - y_i z_i$$

$$\frac{\partial \ell_i}{\partial z_i} = \frac{e^{z_i}}{1 + e^{z_i}} - y_i$$

$$\frac{\partial \ell_j}{\partial z_j} = \frac{e^{z_j}}{1 + e^{z_j}} + y_j$$

$$y_i = 1$$
""")
    assert [s for s, _ in got] == ["defined", "verified", "refuted", "condition"], got


def test_a_function_named_without_its_arguments_is_its_definition(tmp_path):
    got = statuses(tmp_path, r"""
$$f(x, y) = x \log y + y e^{x}$$

$$\frac{\partial f}{\partial x} = \log y + y e^{x}$$

$$\frac{\partial^2 f}{\partial y^2} = -\frac{x}{y^2}$$

$$\frac{\partial f}{\partial x} = \log y + e^{x}$$

$$\frac{d\sigma}{dz} = \sigma(z)\,(1 - \sigma(z))$$

$$\frac{d\sigma}{dz} = \sigma(z)^2$$
""")
    assert [s for s, _ in got] == ["defined", "verified", "verified", "refuted", "verified",
                                   "refuted"], got


def test_an_undefined_function_is_checked_as_an_arbitrary_one(tmp_path):
    got = statuses(tmp_path, r"""
$$\log \prod_{i=1}^{N} P(x_i \mid \theta) = \sum_{i=1}^{N} \log P(x_i \mid \theta)$$

$$\log \prod_{i=1}^{N} P(x_i \mid \theta) = \prod_{i=1}^{N} \log P(x_i \mid \theta)$$

$$P(a) + a = P(b) + a$$

$$\log P(x \mid \theta) = \log Q(x \mid \theta)$$
""")
    (first, _), (second, _), (third, why), (fourth, other) = got
    assert first == "verified"
    # x_i and theta appear only inside P: choosing them apart, some P realises the witness
    assert second == "refuted"
    # a is used outside P too: a witness with a = b could ask P(a) != P(b) of one point
    assert third == "unproven" and "does not define" in why
    assert fourth == "unproven" and "not defined" in other


def test_a_document_in_bits_reads_every_information_quantity_in_bits(tmp_path):
    got = statuses(tmp_path, r"""
$$H(X) = -\sum_x p(x) \log_2 p(x)$$

$$H(p, q) = -\sum_x p(x) \log_2 q(x)$$

$$D_{\mathrm{KL}}(p \,\|\, q) = H(p, q) - H(X)$$

$$D_{\mathrm{KL}}(p \,\|\, q) = \sum_x p(x) \ln \frac{p(x)}{q(x)}$$
""")
    assert [s for s, _ in got] == ["defined", "verified", "verified", "refuted"], got
    assert "bits" in got[0][1]


def test_an_entropy_that_is_not_a_change_of_base_is_refuted(tmp_path):
    got = statuses(tmp_path, r"""
$$H(X) = 1 - \sum_x p(x) \log_2 p(x)$$
""")
    assert got[0][0] == "refuted", got


def test_inequalities_between_undeclared_names(tmp_path):
    got = statuses(tmp_path, r"""
$$\log t \ge t - 1$$

$$a \le a^2$$
""")
    # false at t in (0, 1): inside any domain an author could mean, so refuted
    assert got[0][0] == "refuted", got
    # false only for a in (0, 1)... which is inside every domain too
    assert got[1][0] == "refuted", got


def test_an_inequality_false_only_outside_the_positive_reals_is_not_refuted(tmp_path):
    got = statuses(tmp_path, r"""
$$\sum_{k=1}^{K} p_k \log \frac{q_k}{p_k} \le \sum_{k=1}^{K} (q_k - p_k)$$
""")
    assert got[0][0] != "refuted", got


def test_the_model_probabilities_of_an_undefined_likelihood_are_the_optimised_values(tmp_path):
    got = statuses(tmp_path, r"""
$$\arg\max_\theta \sum_{i=1}^{N} \log P(x_i \mid \theta) = \arg\min_\theta -\frac{1}{N}\sum_{i=1}^{N} \log P(x_i \mid \theta)$$

$$\arg\max_\theta \sum_{i=1}^{N} \log P(x_i \mid \theta) = \arg\max_\theta -\sum_{i=1}^{N} \log P(x_i \mid \theta)$$
""")
    assert [s for s, _ in got] == ["verified", "refuted"], got


def test_the_size_a_bound_on_entropy_names_is_the_number_of_outcomes(tmp_path):
    got = statuses(tmp_path, r"""
$$0 \le H(p) \le \log K$$

$$H(p) \le \log K - 1$$

$$H(p) \ge \log K$$
""")
    assert [s for s, _ in got] == ["verified", "verified", "refuted", "refuted"], got
    report = check_document(str(tmp_path / "doc.md"), Options(samples=300))
    assert any("K outcomes" in a for a in report.steps[1].assumptions)


def test_a_step_true_only_under_a_reading_the_prose_may_give_is_unproven(tmp_path):
    got = statuses(tmp_path, r"""
$$-\log \frac{1}{2^4} = 4$$

$$\log 8 = 4$$

$$\sum_{i=1}^{m} (x_i - \bar{x})^2 = \sum_{i=1}^{m} x_i^2 - m \bar{x}^2$$

$$\sum_{i=1}^{m} (x_i - \bar{x})^2 = \sum_{i=1}^{m} x_i^2 + m \bar{x}^2$$
""")
    assert [s for s, _ in got] == ["unproven", "refuted", "unproven", "refuted"], got
    assert "base 2" in got[0][1] and "mean" in got[2][1]


def test_a_row_condition_restricts_its_step_and_only_it(tmp_path):
    got = statuses(tmp_path, r"""
$$\sqrt{x^2} = x \quad \text{for } x > 0$$

$$\sqrt{x^2} = x$$

$$\sqrt{x^2} = -x \quad (x > 0)$$
""")
    assert [s for s, _ in got] == ["verified", "refuted", "refuted"], got


def test_a_name_the_display_defines_after_its_use_is_used(tmp_path):
    got = statuses(tmp_path, r"""
$$\sum_{i=1}^{N} \left[x_i \log\theta + (1 - x_i)\log(1-\theta)\right] = m \log \theta + (N - m)\log(1-\theta) \qquad \text{where } m = \sum_{i=1}^{N} x_i$$
""")
    assert got[0][0] == "verified", got


def test_declared_names_on_one_side_are_variables_and_strict_proofs_count(tmp_path):
    got = statuses(tmp_path, r"""
<!-- xentsym: p, q: distributions over K -->
$$\sum_{k=1}^{K} p_k \log p_k \ge \sum_{k=1}^{K} p_k \log q_k$$

$$\sum_{k=1}^{K} p_k \log p_k \le \sum_{k=1}^{K} p_k \log q_k$$

$$\frac{1}{2}\log\frac{4}{3} > \frac{1}{8}$$
""")
    assert [s for s, _ in got] == ["verified", "refuted", "verified"], got


def test_the_log_of_a_positive_objective_keeps_its_maximisers(tmp_path):
    got = statuses(tmp_path, r"""
$$\arg\max_\theta \prod_{i=1}^{N} P(x_i \mid \theta) = \arg\max_\theta \sum_{i=1}^{N} \log P(x_i \mid \theta)$$

$$\arg\max_\theta \prod_{i=1}^{N} P(x_i \mid \theta) = \arg\min_\theta \sum_{i=1}^{N} \log P(x_i \mid \theta)$$
""")
    assert [s for s, _ in got] == ["verified", "refuted"], got


def test_the_kronecker_delta(tmp_path):
    got = statuses(tmp_path, r"""
$$\sum_{j=1}^{K} \delta_{ij} z_j = z_i$$

$$\sum_{j=1}^{K} \delta_{ij} z_j = 2 z_i$$
""")
    assert [s for s, _ in got] == ["verified", "refuted"], got


def test_a_greek_name_the_document_applies_is_a_function_everywhere(tmp_path):
    got = statuses(tmp_path, r"""
$$\zeta(x) = \log(1 + e^{x})$$

$$\zeta(x) - \zeta(-x) = x$$

$$\zeta(x) + \zeta(-x) = x$$
""")
    assert [s for s, _ in got] == ["defined", "verified", "refuted"], got


def test_a_restatement_true_only_under_a_reading_is_unproven(tmp_path):
    got = statuses(tmp_path, r"""
$$w = \frac{\sum_{i=1}^{m} y_i (x_i - \bar{x})}{\sum_{i=1}^{m} x_i^2 - m \bar{x}^2}$$

$$w = \frac{\sum_{i=1}^{m} (x_i - \bar{x}) y_i}{\sum_{i=1}^{m} (x_i - \bar{x})^2}$$
""")
    assert [s for s, _ in got] == ["defined", "unproven"], got


def test_a_name_called_at_the_outcome_index_is_the_distribution_h_and_kl_take(tmp_path):
    got = statuses(tmp_path, r"""
$$D_{\mathrm{KL}}(\hat{p} \,\|\, q) = \sum_{x} \hat{p}(x) \log \frac{\hat{p}(x)}{q(x)}$$

$$D_{\mathrm{KL}}(\hat{p} \,\|\, q) = \sum_{x} \hat{p}(x) \log \frac{q(x)}{\hat{p}(x)}$$
""")
    assert [s for s, _ in got] == ["verified", "refuted"], got


def test_quantities_of_numbers_are_those_of_coins(tmp_path):
    got = statuses(tmp_path, r"""
$$D_{\mathrm{KL}}(a \,\|\, b) = a \log \frac{a}{b} + (1 - a) \log \frac{1 - a}{1 - b}$$

$$D_{\mathrm{KL}}(a \,\|\, b) = D_{\mathrm{KL}}(1 - a \,\|\, 1 - b)$$

$$D_{\mathrm{KL}}(a \,\|\, b) = a \log \frac{b}{a} + (1 - a) \log \frac{1 - a}{1 - b}$$

$$\mathbb{H}(a) = -a \log a - (1 - a) \log (1 - a)$$
""")
    assert [s for s, _ in got] == ["verified", "verified", "refuted", "verified"], got


def test_a_step_rests_on_the_fact_its_since_clause_gives(tmp_path):
    got = statuses(tmp_path, r"""
$$-y_i + \hat{y}_i \sum_{k} y_k = \hat{y}_i - y_i, \qquad \text{since } \sum_{k} y_k = 1$$

$$-y_i + \hat{y}_i \sum_{k} y_k = \hat{y}_i + y_i, \qquad \text{since } \sum_{k} y_k = 1$$

$$-y_i + \hat{y}_i \sum_{k} y_k = \hat{y}_i - y_i$$
""")
    assert [s for s, _ in got][:2] == ["verified", "refuted"], got
    assert got[2][0] != "verified", got


def test_defined_labelled_functions_laws_and_optimised_distributions(tmp_path):
    got = statuses(tmp_path, r"""
$$H_b(\theta) = -\theta \log \theta - (1 - \theta) \log (1 - \theta)$$

$$H_b\left(\tfrac{1}{2}\right) = \log 2$$

$$H_b\left(\tfrac{1}{2}\right) = 1$$

$$\sum_{k=1}^{n} P(X = k) = \sum_{k=1}^{n} p(k)$$

$$\mathop{\mathrm{argmin}}_\theta \; D_{\mathrm{KL}}(P \,\|\, q_\theta) = \mathop{\mathrm{argmin}}_\theta \; H(P, q_\theta)$$

$$\mathop{\mathrm{argmax}}_\theta \; D_{\mathrm{KL}}(P \,\|\, q_\theta) = \mathop{\mathrm{argmin}}_\theta \; H(P, q_\theta)$$
""")
    assert [s for s, _ in got] == ["defined", "verified", "refuted", "verified", "verified",
                                   "refuted"], got


def test_an_inequality_false_with_undeclared_names_in_the_unit_interval_is_refuted(tmp_path):
    got = statuses(tmp_path, r"""
<!-- xentsym: p: distributions over K -->
$$\sum_{k=1}^{K} p_k \log t_k \ge \log \sum_{k=1}^{K} p_k t_k$$

$$\sum_{k=1}^{K} p_k \log t_k \le \log \sum_{k=1}^{K} p_k t_k$$
""")
    # Jensen reversed fails with every t_k in (0, 1) too; Jensen itself holds for all t > 0
    assert got[0][0] == "refuted" and got[1][0] != "refuted", got


def test_a_conventional_name_the_document_redefines_takes_its_meaning(tmp_path):
    # H of two entries, written over classes: not the usual H of its arguments. Later uses
    # follow the document's H (values by hand: -log(sigma(2)) = log(1 + e^-2)).
    got = statuses(tmp_path, r"""
$$H(A_i, Y_i) = -\sum_{c=1}^{3} Y_{ic} \log(\sigma(A_{ic}))$$

$$H(A_1, Y_1) = -Y_{1,1}\log\sigma(A_{1,1}) - Y_{1,2}\log\sigma(A_{1,2}) - Y_{1,3}\log\sigma(A_{1,3})$$

$$H(A_2, Y_2) = -Y_{2,1}\log\sigma(A_{2,1}) - Y_{2,2}\log\sigma(A_{2,2})$$

$$H(A_i, Y_i) = \sum_{c=1}^{3} Y_{ic} \log(1 + e^{-A_{ic}})$$
""")
    assert [s for s, _ in got] == ["defined", "verified", "refuted", "verified"], got
    assert "own meaning" in got[0][1]


def test_a_conventional_name_restated_with_its_own_variables_is_still_checked(tmp_path):
    # Only a body with other variables redefines H; a wrong sign in H(p) is an error to find.
    got = statuses(tmp_path, r"""
$$H(p) = \sum_{k=1}^{K} p_k \log p_k$$

$$H(p) = -\sum_{k=1}^{K} p_k \log p_k$$
""")
    assert [s for s, _ in got] == ["refuted", "verified"], got


def test_a_function_of_entries_called_with_two_samples_has_no_meaning(tmp_path):
    # ell(A_i, Y_i) binds one sample index: ell(A_1, Y_2) is not ell(A_1, Y_1)
    got = statuses(tmp_path, r"""
$$\ell(A_i, Y_i) = -\sum_{k=1}^{3} Y_{ik} \log \sigma(A_{ik})$$

$$2 \ell(A_1, Y_2) = -2 \sum_{k=1}^{3} Y_{1,k} \log \sigma(A_{1,k})$$

$$2 \ell(A_2, Y_2) = -2 \sum_{k=1}^{3} Y_{2,k} \log \sigma(A_{2,k})$$
""")
    assert got[0][0] == "defined" and got[1][0] != "verified" and got[2][0] == "verified", got


def test_a_family_written_with_adjacent_indices_is_one_family_inside_and_outside_sums(
        tmp_path):
    # read as names, W_ij and the W_ik of the sum were unrelated and both false steps verified
    got = statuses(tmp_path, r"""
$$\frac{\partial}{\partial W_{ij}}\left(\sum_{k=1}^{n} W_{ik} x_k + W_{ij}^2\right) = 2 W_{ij}$$

$$\frac{\partial}{\partial W_{ij}}\left(\sum_{k=1}^{n} W_{ik} x_k + W_{ij}^2\right) = x_j + 2 W_{ij}$$

$$\sum_{k=1}^{3} x_{1k} = 3 x_{1k}$$
""")
    assert got[0][0] == "refuted" and got[1][0] == "verified", got
    assert got[2][0] != "verified", got


def test_adjacent_index_letters_are_one_index_each(tmp_path):
    # Read as a name x_ij, the term would be a constant of the sum over j and the first
    # step would verify; entry by entry it is false (x_{i1} != x_{i2} refutes it).
    got = statuses(tmp_path, r"""
$$\sum_{j=1}^{2} x_{ij} = 2 x_{i1}$$

$$\sum_{j=1}^{2} w_{ij} x_{j} = w_{i1} x_1 + w_{i2} x_2$$
""")
    assert [s for s, _ in got] == ["refuted", "verified"], got


def test_a_verdict_names_the_definitions_it_used(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(r"""
$$\ell(\beta) = \sum_{i=1}^{m} \left(y_i \beta x_i - \log(1 + e^{\beta x_i})\right)$$

$$\frac{\partial \ell(\beta)}{\partial \beta} = \frac{\partial \sum_{i=1}^{m} \left(-y_i \beta x_i + \log(1 + e^{\beta x_i})\right)}{\partial \beta}$$

$$\frac{\partial \ell(\beta)}{\partial \beta} = \sum_{i=1}^{m} x_i \left(y_i - \frac{1}{1 + e^{-\beta x_i}}\right)$$

$$\frac{d (x^2)}{d x} = 2 x$$
""", encoding="utf-8")
    rows = check_document(str(path), Options(samples=300)).steps
    assert [r.status for r in rows] == ["defined", "refuted", "verified", "verified"]
    # the sign of the loss flipped against line 2's definition: the row says which it used
    assert any("as line 2 defines it" in a for a in rows[1].assumptions)
    assert any("as line 2 defines it" in a for a in rows[2].assumptions)
    assert not any("defines it" in a for a in rows[3].assumptions)


def test_a_documents_own_h_does_not_leak_into_other_arguments(tmp_path):
    # H(A_i, Y_i) is the document's; H(p, q) of whole distributions keeps its usual meaning,
    # H(A_1, Y_2) has none the text gives, and H(A_k, Y_k) must not be captured by the
    # body's sum over k
    got = statuses(tmp_path, r"""
$$H(A_i, Y_i) = -\sum_{k=1}^{3} Y_{ik} \log(\sigma(A_{ik}))$$

$$H(p, q) = -\sum_{j=1}^{n} p_j \log q_j$$

$$H(A_1, Y_2) = -\sum_{k=1}^{3} Y_{1k} \log(\sigma(A_{1k}))$$

$$H(A_k, Y_k) = -Y_{k,1}\log\sigma(A_{k,1}) - Y_{k,2}\log\sigma(A_{k,2}) - Y_{k,3}\log\sigma(A_{k,3})$$

$$H(A_k, Y_k) = -Y_{k,1}\log\sigma(A_{k,1}) - Y_{k,2}\log\sigma(A_{k,2})$$
""")
    assert [s for s, _ in got][:2] == ["defined", "verified"], got
    assert got[2][0] not in ("verified", "refuted"), got
    assert [s for s, _ in got][3:] == ["verified", "refuted"], got
