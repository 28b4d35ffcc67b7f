"""LaTeX printing and rendering: the lecture's notation, compiling documents, the CLI."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sympy as sp

from xentsym.cli import main
from xentsym.discover import discover
from xentsym.functions import CrossEntropy, Entropy, KLDivergence
from xentsym.notation import N, i, k, n, p, p_theta, q, y, y_onehot, yhat, yhat_rows
from xentsym.render import latex as tex
from xentsym.render.markdown import markdown
from xentsym.render.printer import latex

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def derivations():
    return discover([ROOT / "derivations"])


@pytest.mark.parametrize("expr, expected", [
    (p[i] * sp.log(q[i]), r"p(x_{i}) \log q(x_{i})"),
    (sp.log(1 - yhat[i]), r"\log\left(1 - \hat{y}_{i}\right)"),
    (y_onehot[i, k] * sp.log(yhat_rows[i, k]), r"y_{i,k} \log \hat{y}_{i,k}"),
    (p_theta[i], r"p_{\theta}(Y = 1 | x_{i})"),
    (KLDivergence(p, q), r"D_{KL}(p \| q)"),
    (CrossEntropy(p, q), "H(p, q)"),
    (Entropy(p), "H(p)"),
    (-sp.Sum(p[i] * sp.log(q[i]), (i, 1, n)) / N,
     r"- \frac{1}{N} \sum_{i=1}^{n} p(x_{i}) \log q(x_{i})"),
    (sp.Sum(y[i] * sp.log(yhat[i]) + (1 - y[i]) * sp.log(1 - yhat[i]), (i, 1, N)),
     r"\sum_{i=1}^{N} \left[y_{i} \log \hat{y}_{i} + \left(1 - y_{i}\right) "
     r"\log\left(1 - \hat{y}_{i}\right)\right]"),
])
def test_printer_writes_the_lecture_notation(expr, expected):
    assert latex(expr) == expected


def test_kl_split_block_reads_like_the_lecture(derivations):
    d = next(d for d in derivations if d.name == "kl-split")
    block = tex.snippet(d)
    assert r"\begin{align*}" in block and r"\end{align*}" in block
    lines = [ln for ln in block.splitlines() if "&=" in ln]
    assert len(lines) == len(d.steps)
    assert lines[0].strip().startswith(r"D_{KL}(p \| q) &= \sum_{i=1}^{n} p(x_{i}) \log")
    assert r"\sum_{i=1}^{n} p(x_{i}) \log p(x_{i}) - \sum_{i=1}^{n} p(x_{i}) \log q(x_{i})" \
        in block
    assert r"\arg\min_{q} D_{KL}(p \| q) &= \arg\min_{q} H(p, q)" in block
    assert r"\tag*{\small log of a quotient}" in block


def test_chinese_justifications(derivations):
    d = next(d for d in derivations if d.name == "kl-split")
    assert r"\tag*{\small 对数的除法法则}" in tex.snippet(d, "zh")


def test_text_is_escaped():
    assert tex.escape_text("a_b & 50% {x}") == r"a\_b \& 50\% \{x\}"
    assert tex.escape_text("σ") == r"$\sigma$"


def test_markdown_has_heading_math_and_one_line_per_step(derivations):
    for d in derivations:
        md = markdown(d)
        assert md.startswith("## ")
        assert md.count("$$") == 2
        numbered = [ln for ln in md.splitlines() if ln[:1].isdigit()]
        assert len(numbered) == len(d.steps)


def _compile(source: str, engine: str, tmp_path: Path) -> None:
    (tmp_path / "doc.tex").write_text(source, encoding="utf-8")
    run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                         cwd=tmp_path, capture_output=True, text=True, errors="replace",
                         timeout=300)
    errors = [ln for ln in run.stdout.splitlines() if ln.startswith("!")]
    assert run.returncode == 0 and not errors, errors or run.stdout[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 1000


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex not installed (Debian: texlive-latex-base)")
def test_every_derivation_compiles_with_pdflatex(derivations, tmp_path):
    _compile(tex.document(derivations, "en"), "pdflatex", tmp_path)


@pytest.mark.skipif(shutil.which("xelatex") is None,
                    reason="xelatex not installed (Debian: texlive-xetex texlive-lang-chinese)")
def test_chinese_rendering_compiles_with_xelatex(derivations, tmp_path):
    _compile(tex.document(derivations, "zh"), "xelatex", tmp_path)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_cli_writes_a_pdf(tmp_path):
    out = tmp_path / "kl.pdf"
    assert main(["render", "kl-split", "--from", str(ROOT / "derivations"),
                 "--format", "pdf", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_cli_render_latex_and_errors(capsys):
    assert main(["render", "kl-split", "--from", str(ROOT / "derivations"), "--no-check"]) == 0
    assert r"\begin{align*}" in capsys.readouterr().out
    assert main(["render", "no-such", "--from", str(ROOT / "derivations")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no derivation named" in err


def test_missing_tex_engine_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(Exception) as info:
        tex.compile_pdf(r"\documentclass{article}", tmp_path / "x.pdf")
    assert "texlive-latex-base" in str(info.value)


def test_render_checks_through_the_step_cache(tmp_path, monkeypatch, capsys):
    # render checks what it renders; the verdicts go to the same cache as verify's, so a
    # render after a verify (or another render) checks nothing again
    monkeypatch.setenv("XENTSYM_CACHE_DIR", str(tmp_path / "cache"))
    script = ROOT / "derivations" / "kl_split.py"
    args = ["render", "kl-split", "--from", str(script), "-o", str(tmp_path / "a.tex")]
    assert main(args + ["--no-cache"]) == 0
    assert not (tmp_path / "cache").exists()
    assert main(args) == 0
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == len(discover([script])[0].steps)
    first = (tmp_path / "a.tex").read_text()
    assert main(args) == 0
    assert (tmp_path / "a.tex").read_text() == first
    assert sorted((tmp_path / "cache").rglob("*.json")) == sorted(entries)
