"""Dropping 1/N and then the minus sign from J(w) leaves the best parameters where they were."""
from xentsym import Derivation, formulas
from xentsym import rules as R
from xentsym.notation import N, yhat

drop_mean_and_sign = Derivation(
    "drop-mean-and-sign", "Dropping 1/N and the sign from the cross-entropy loss",
    formulas.get("binary_cross_entropy").expr, title_zh="去掉 1/N 与负号",
    wrt=(yhat,), sense="min", parameter="w",
    description="The predictions yhat_i depend on the weights w; the labels y_i are data.")
(drop_mean_and_sign
 .apply(R.drop_positive_factor(1 / N))
 .apply(R.NEGATE))
