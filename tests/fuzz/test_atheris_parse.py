"""Optional coverage-guided fuzz target for the LaTeX reader (needs atheris, not a dependency).

Under pytest this runs a short smoke pass when atheris is installed and is skipped otherwise.
Run it for real with::

    pip install atheris
    python tests/fuzz/test_atheris_parse.py -max_total_time=300

Any exception other than a located ``XentsymError`` is a crash for the fuzzer.
"""
from __future__ import annotations

import sys

import pytest

atheris = pytest.importorskip("atheris") if __name__ != "__main__" else __import__("atheris")

with atheris.instrument_imports():
    from xentsym.errors import XentsymError
    from xentsym.parse import parse, parse_chain


def one_input(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(400)
    for reader in (parse, parse_chain):
        try:
            reader(text, file="fuzz.tex", line=1, column=1)
        except XentsymError as exc:
            if exc.line is None or exc.column is None:
                raise AssertionError(f"unlocated error for {text!r}: {exc.message}") from None


def test_smoke():
    for seed in (b"", b"\\sum_{i=1}^N y_i \\log \\hat{y}_i", b"\\frac{", b"H(p,q) = = ",
                 bytes(range(256))):
        one_input(seed)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
