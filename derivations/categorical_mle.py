"""Categorical maximum likelihood: the log-likelihood is -N times the multiclass cross-entropy."""
import sympy as sp

from xentsym import Derivation, formulas
from xentsym import rules as R
from xentsym.notation import K, N, i, k, y_onehot, yhat_rows

categorical_mle = Derivation(
    "categorical-mle", "Maximum likelihood for K classes is minimum multiclass cross-entropy",
    sp.log(sp.Product(yhat_rows[i, k] ** y_onehot[i, k], (k, 1, K), (i, 1, N))),
    title_zh="K 类分布的极大似然等价于最小化多分类交叉熵", wrt=(yhat_rows,), sense="max",
    parameter=r"\theta",
    description="Sample i has one-hot label y_{i,k}; the model gives class probabilities yhat_{i,k}.")
(categorical_mle
 .apply(R.LOG_OF_PRODUCT)
 .apply(R.LOG_POWER)
 .claim(-N * formulas.get("multiclass_cross_entropy").expr,
        "the multiclass cross-entropy is -1/N times this sum", "多分类交叉熵等于该和乘以 -1/N")
 .apply(R.NEGATE)
 .apply(R.drop_positive_factor(N)))
