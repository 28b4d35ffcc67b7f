"""The binary cross-entropy is the multiclass one with K = 2 classes."""
from xentsym import Derivation, formulas
from xentsym import rules as R
from xentsym.notation import K, i, y, y_onehot, yhat, yhat_rows

binary_is_multiclass = Derivation(
    "binary-is-multiclass", "Binary cross-entropy is multiclass cross-entropy with K = 2",
    formulas.get("multiclass_cross_entropy").expr, title_zh="二分类交叉熵是 K = 2 的多分类交叉熵")
(binary_is_multiclass
 .apply(R.specialise({K: 2}, "two classes", "两个类别"))
 .apply(R.specialise(
     {y_onehot[i, 1]: y[i], y_onehot[i, 2]: 1 - y[i],
      yhat_rows[i, 1]: yhat[i], yhat_rows[i, 2]: 1 - yhat[i]},
     "class 1 is the positive class: its label is y_i, its probability yhat_i",
     "第 1 类为正类：标签为 y_i，概率为 yhat_i"))
 .claim(formulas.get("binary_cross_entropy").expr, "collect the terms", "整理"))
