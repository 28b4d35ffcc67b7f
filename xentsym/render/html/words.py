"""The words of the HTML pages, in English and Chinese, and the verdict icons."""
from __future__ import annotations

WORDS = {
    "en": {
        "contents": "Contents", "needs": "needs", "rule": "rule",
        "verified": "verified", "refuted": "refuted", "unproven": "unproven",
        "proved": "proved symbolically", "samples": "checked numerically at {n} samples",
        "numeric_failed": "the numeric check found a counterexample among {n} samples",
        "numeric_error": "numeric check could not run: {msg}",
        "symbolic": {"disproved": "symbolic check disproved it",
                     "unknown": "no symbolic proof found",
                     "timeout": "symbolic check timed out"},
        "counterexample": "counterexample", "at": "at", "left": "left side",
        "right": "right side",
        "summary": "{d} derivations ({s} steps): {v} verified, {r} refuted, {u} unproven",
        "summary_one": "{s} steps: {v} verified, {r} refuted, {u} unproven",
        "settings": "Each step was checked symbolically and at about {n} random points "
                    "(seed {seed}).",
        "page_title": "Cross-entropy derivations, checked step by step",
        "plot": "Plot",
        "marked": "the checks did not verify every step; see the marked ones.",
        "not_checked": "Not checked: rendered with --no-check, the steps were not verified.",
        "lead": "Every line below follows from the one before it by the rule named under "
                "it. Each step carries its verdict: proved symbolically and confirmed on "
                "random samples, or the counterexample that breaks it.",
    },
    "zh": {
        "contents": "目录", "needs": "条件", "rule": "规则",
        "verified": "已验证", "refuted": "不成立", "unproven": "未证明",
        "proved": "符号证明成立", "samples": "数值检验 {n} 个样本通过",
        "numeric_failed": "数值检验在 {n} 个样本中找到反例",
        "numeric_error": "数值检验无法进行：{msg}",
        "symbolic": {"disproved": "符号检验判定不成立", "unknown": "未找到符号证明",
                     "timeout": "符号检验超时"},
        "counterexample": "反例", "at": "取值", "left": "左边", "right": "右边",
        "summary": "{d} 个推导（共 {s} 步）：{v} 个已验证，{r} 个不成立，{u} 个未证明",
        "summary_one": "共 {s} 步：{v} 步已验证，{r} 步不成立，{u} 步未证明",
        "settings": "每一步都经过符号检验，并在约 {n} 个随机点上做数值检验（随机种子 {seed}）。",
        "page_title": "交叉熵推导：逐步检验",
        "plot": "图",
        "marked": "有的步骤未通过检验，见带标记的步骤。",
        "not_checked": "未检验：以 --no-check 生成，各步未经验证。",
        "lead": "下面每一行都由上一行按其下方写明的规则得到。每一步都附有检验结果："
                "符号证明并经随机样本确认，或给出使其不成立的反例。",
    },
}

ICON = {"verified": "\u2713", "refuted": "\u2717", "unproven": "?"}
