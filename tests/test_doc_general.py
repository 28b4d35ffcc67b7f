"""check-doc on general statements: gradients with a free index (w_j, z_k) and symbolic sizes
(N, d, K), as a course writes them, and the slips a student makes in them."""
from __future__ import annotations

from pathlib import Path

import pytest

from xentsym.checkdoc import check_document
from xentsym.verify import Options

CORPUS = Path(__file__).resolve().parent / "corpus"

# line -> status, from the mathematics (see the .key files beside the documents)
EXPECTED = {
    "general_gradients.tex": {
        19: "verified",  # dJ/dw_j = (1/N) sum_i (y-hat_i - y_i) x_{i,j}
        23: "refuted",   # the factor x_{i,j} dropped
        29: "verified",  # the Hessian entry (1/N) sum_i y-hat_i (1 - y-hat_i) x_{i,j} x_{i,l}
        35: "verified",  # d/dz_k log sum_c e^{z_c} = softmax_k, K symbolic
        39: "refuted",   # e^{z_k} missing from the numerator
        46: "verified",  # d/dz_k of the softmax cross-entropy = softmax_k - t_k
        51: "refuted",   # its sign flipped
    },
    "zh_general_gradients.md": {
        20: "verified",  # dL/dz_k = y-hat_k - t_k
        26: "refuted",   # sign flipped
        32: "refuted",   # the normaliser's derivative forgotten
        40: "verified",  # -sum_c delta_{ck} log y-hat_c = -log y-hat_k
        48: "verified",  # squared-error gradient with a free weight index
        54: "refuted",   # 2/N for 1/N
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_general_statements_verify_and_their_slips_are_refuted(name):
    report = check_document(str(CORPUS / name), Options(samples=400, seed=0, timeout=20),
                            diagnose=False)
    got = {s.line: s.status for s in report.steps if s.line in EXPECTED[name]}
    assert got == EXPECTED[name], report.text()
