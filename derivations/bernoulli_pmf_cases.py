"""The Bernoulli PMF p^x (1-p)^(1-x) is p at x = 1 and q = 1 - p at x = 0."""
from xentsym import Derivation, formulas
from xentsym import rules as R
from xentsym.notation import p_success, q_failure, x

bernoulli_pmf_cases = Derivation(
    "bernoulli-pmf-cases", "The Bernoulli PMF as a table of cases",
    formulas.get("bernoulli_pmf_power").expr, title_zh="伯努利分布的概率质量函数的分段形式")
(bernoulli_pmf_cases
 .apply(R.case_split(x))
 .apply(R.definition_of(q_failure, 1 - p_success, "write q for the failure probability 1 - p",
                        "记失败概率 1 - p 为 q")))
