"""LaTeX that fits: every derivation in derivations/, pasted into an A4 article at 11 pt,
compiles with no overfull line (pdflatex for English, xelatex for Chinese); long lines break
between terms; Unicode and inline math in reasons compile; a refuted step is marked."""
from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
import sympy as sp

from xentsym.cli import main
from xentsym.render import textex
from xentsym.render.texwidth import MARK, break_lines, estimate

ROOT = Path(__file__).resolve().parents[1]
OVERFULL = re.compile(r"Overfull \\hbox \(([\d.]+)pt too wide\)")

WRONG = '''"""A derivation with a wrong claim: log a + log b is not (log a)(log b)."""
import sympy as sp
from xentsym import Derivation
from xentsym.notation import p_success as p

wrong = Derivation("wrong-claim", "A wrong step about σ", sp.log(1 - p) + sp.log(p),
                   title_zh="错误的一步")
wrong.claim(sp.log(1 - p) * sp.log(p), "a product, wrongly: $σ' = σ(1-σ)$", "乘积（错误）")
'''


def _render(capsys, *args) -> tuple[int, str, str]:
    code = main(["render", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _compile(body: str, engine: str, preamble: str, tmp_path: Path) -> str:
    (tmp_path / "body.tex").write_text(body, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass[11pt,a4paper]{article}\n\\usepackage{amsmath,amssymb}\n" + preamble
        + "\\begin{document}\n\\input{body}\n\\end{document}\n", encoding="utf-8")
    run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                         cwd=tmp_path, capture_output=True, text=True, errors="replace",
                         timeout=600)
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, [ln for ln in log.splitlines() if ln.startswith("!")]
    return log


def _too_wide(log: str) -> list[float]:
    return [float(w) for w in OVERFULL.findall(log) if float(w) > 1.0]


@pytest.mark.skipif(shutil.which("pdflatex") is None,
                    reason="pdflatex not installed (Debian: texlive-latex-base)")
def test_render_all_fits_an_a4_article_with_pdflatex(capsys, tmp_path):
    code, body, _ = _render(capsys, "--all", "--format", "latex", "--from",
                            str(ROOT / "derivations"))
    assert code in (0, 1)  # the fit does not depend on the verdicts
    assert body.count("\\section[") >= 10
    log = _compile(body, "pdflatex", "", tmp_path)
    assert not _too_wide(log), _too_wide(log)


@pytest.mark.skipif(shutil.which("xelatex") is None,
                    reason="xelatex not installed (Debian: texlive-xetex texlive-lang-chinese)")
def test_render_all_in_chinese_fits_an_a4_article_with_xelatex(capsys, tmp_path):
    code, body, _ = _render(capsys, "--all", "--format", "latex", "--lang", "zh", "--from",
                            str(ROOT / "derivations"))
    assert code in (0, 1)
    log = _compile(body, "xelatex", "\\usepackage[UTF8]{ctex}\n", tmp_path)
    assert not _too_wide(log), _too_wide(log)


def _tex_widths(snippets: list[str], tmp_path: Path) -> list[float]:
    """The natural widths TeX gives display-math snippets, in pt (cmr 11 pt)."""
    lines = [r"\documentclass[11pt]{article}", r"\usepackage{amsmath}", r"\begin{document}"]
    lines += [rf"\sbox0{{$\displaystyle {s}$}}\typeout{{W{j}:\the\wd0}}"
              for j, s in enumerate(snippets)]
    (tmp_path / "w.tex").write_text("\n".join(lines + [r"\end{document}"]), encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "w.tex"], cwd=tmp_path,
                   capture_output=True, timeout=300)
    log = (tmp_path / "w.log").read_text(errors="replace")
    found = dict(re.findall(r"W(\d+):([\d.]+)pt", log))
    return [float(found[str(j)]) for j in range(len(snippets))]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_width_estimate_errs_wide_against_tex(tmp_path):
    # TeX's own measure is the truth; the estimate may be generous, never short by > 8%.
    snippets = [r"\sum_{i=1}^{N} \left[y_{i} \log \hat{y}_{i} + \left(1 - y_{i}\right) "
                r"\log\left(1 - \hat{y}_{i}\right)\right]",
                r"\frac{e^{z_{1}}}{e^{z_{1}} + e^{z_{2}} + e^{z_{3}}} - t_{1}",
                r"\arg\min_{\theta} - \frac{1}{N} \sum_{i=1}^{N} \sum_{k=1}^{K} y_{i,k} "
                r"\log \hat{y}_{i,k}", r"D_{KL}(p \| q) = H(p, q) - H(p)",
                r"\begin{cases} p & \text{if } x = 1, \\ 1 - p & \text{if } x = 0. "
                r"\end{cases}", r"p^{x} {\binom{m}{x}} \left(1 - p\right)^{m - x}"]
    em = 10.95  # pt, cmr at 11 pt
    for tex, real in zip(snippets, _tex_widths(snippets, tmp_path)):
        assert estimate(tex) * em >= 0.92 * real, (tex, estimate(tex) * em, real)


def test_a_long_sum_breaks_between_terms_and_brackets_get_fixed_sizes():
    terms = [rf"\frac{{a_{{{j}}}}}{{b_{{{j}}} + c}}" for j in range(12)]
    tex = r"\left(" + (MARK + " + ").join(terms) + r"\right)"
    lines = break_lines(tex, 20, 18)
    assert len(lines) > 1
    assert all(estimate(ln) <= 20 for ln in lines)
    assert lines[0].startswith(r"\Biggl(") and lines[-1].endswith(r"\Biggr)")
    assert all(r"\left" not in ln and r"\right" not in ln for ln in lines)
    assert all(MARK not in ln for ln in lines)
    assert lines[1].startswith("+")
    # Marks inside braces (a denominator) are never break points.
    inner = r"\frac{1}{a" + MARK + " + b}"
    assert break_lines(inner, 1, 1) == [r"\frac{1}{a + b}"]


def test_unicode_and_inline_math_in_text():
    assert textex.escape_text("σ ≤ 1 – ok") == r"$\sigma$ $\le$ 1 -- ok"
    assert textex.escape_text("café") == r"caf\'{e}"
    assert textex.with_math("chain rule; $σ' = σ(1-σ)$ & done") == \
        r"chain rule; $\sigma ' = \sigma (1-\sigma )$ \& done"
    assert textex.with_math("odd $ sign") == r"odd \$ sign"
    assert textex.with_math("definition of {}", fill="H(p)") == "definition of $H(p)$"
    assert textex.escape_text("取值 σ", "zh") == r"取值 $\sigma$"


def test_cli_render_refuses_a_missing_folder_for_every_format(capsys, tmp_path):
    for fmt in ("latex", "markdown", "pdf", "html"):
        target = tmp_path / "missing" / f"out.{fmt}"
        code, _, err = _render(capsys, "kl-split", "--from", str(ROOT / "derivations"),
                               "--format", fmt, "--no-check", "-o", str(target))
        assert code == 2 and err.count("\n") == 1 and str(target.parent) in err, err
        assert not target.parent.exists()


@pytest.fixture()
def wrong_script(tmp_path):
    script = tmp_path / "wrong.py"
    script.write_text(WRONG, encoding="utf-8")
    return script


def test_a_refuted_derivation_is_marked_and_exits_1(capsys, wrong_script):
    code, out, err = _render(capsys, "wrong-claim", "--from", str(wrong_script))
    assert code == 1
    assert r"\fbox{\bfseries REFUTED}" in out and "1 refuted" in err
    code, out, _ = _render(capsys, "wrong-claim", "--from", str(wrong_script),
                           "--format", "markdown")
    assert code == 1 and "**\u2717 refuted**" in out
    code, out, _ = _render(capsys, "wrong-claim", "--from", str(wrong_script), "--no-check")
    assert code == 0 and "Not checked" in out and "REFUTED" not in out


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_a_pdf_of_a_refuted_derivation_exits_1(capsys, wrong_script, tmp_path):
    out = tmp_path / "wrong.pdf"
    code, _, err = _render(capsys, "wrong-claim", "--from", str(wrong_script),
                           "--format", "pdf", "-o", str(out))
    assert code == 1 and "1 refuted" in err
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_pdf_is_portrait_a4_or_letter(capsys, tmp_path):
    for paper, (w, h) in (("a4", (595, 842)), ("letter", (612, 792))):
        out = tmp_path / f"{paper}.pdf"
        code, _, _ = _render(capsys, "kl-split", "--from", str(ROOT / "derivations"),
                             "--format", "pdf", "--paper", paper, "-o", str(out))
        assert code == 0
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", _pdf_text(out))
        assert box and abs(float(box[1]) - w) < 1 and abs(float(box[2]) - h) < 1


def _pdf_text(path: Path) -> bytes:
    """The PDF with its compressed streams inflated (pdflatex packs page objects)."""
    data = path.read_bytes()
    inflated = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            inflated.append(zlib.decompress(stream))
        except zlib.error:
            pass
    return data + b"".join(inflated)


def test_the_first_line_of_a_long_start_stands_alone():
    from xentsym.derivation import Derivation
    from xentsym.render import latex as tex
    a = sp.symbols("a1:30", positive=True)
    d = Derivation("long", "Long", sp.Add(*[sp.log(s) for s in a]))
    d.claim(sp.Add(*[2 * sp.log(s) for s in a]) / 2, "take out a factor 2")
    rows = tex.rows(d)
    assert rows[0].startswith("& ")  # stacked: the start alone, the chain below it
    assert all(estimate(r.split(r"\tag*")[0].lstrip("&= ")) <= tex.WIDTH for r in rows)
