"""Maximising the Bernoulli log-likelihood is minimising the summed binary cross-entropies."""
import sympy as sp

from xentsym import Derivation, formulas
from xentsym import rules as R
from xentsym.functions import BinaryCrossEntropy
from xentsym.notation import i, p_theta, y, yhat

mle_to_cross_entropy = Derivation(
    "mle-to-cross-entropy", "Maximum likelihood is minimum cross-entropy",
    formulas.get("log_likelihood").expr, title_zh="极大似然等价于最小化交叉熵",
    wrt=(p_theta, yhat), sense="max", parameter=r"\theta",
    description="Both p_theta(Y = 1 | x_i) and its short name yhat_i move with theta.")
(mle_to_cross_entropy
 .apply(R.definition_of(yhat, p_theta, "write {}", "记 {}",
                        shown=sp.Eq(yhat[i], p_theta[i], evaluate=False)))
 .apply(R.NEGATE)
 .apply(R.fold_definition(BinaryCrossEntropy(y[i], yhat[i]))))
