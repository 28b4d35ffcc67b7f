"""Plots: the curves carry the formulas' values (checked against NumPy written out here),
the CLI writes SVG and PNG, and without matplotlib it names the extra to install."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xentsym.cli import main

ROOT = Path(__file__).resolve().parents[1]
LOG2 = np.log(2.0)


@pytest.fixture(scope="module")
def plot():
    pytest.importorskip("matplotlib")
    from xentsym.render import plot as module
    return module


def _lines(fig) -> dict:
    """The plotted lines of a one-axes figure by legend label, as (x, y) arrays."""
    (ax,) = fig.axes
    out = {}
    for line in ax.get_lines():
        xy = np.asarray(line.get_xydata(), dtype=float)
        out[line.get_label()] = (xy[:, 0], xy[:, 1])
    return out


def _at(xs, ys, x0):
    """The y plotted at x0 (which must be a grid point, not an interpolation)."""
    hits = np.flatnonzero(np.isclose(xs, x0, rtol=0, atol=1e-12))
    assert hits.size == 1, f"{x0} is not on the plotted grid"
    return ys[hits[0]]


def test_every_plot_is_labelled(plot):
    from matplotlib.figure import Figure
    for name in plot.names():
        fig = plot.figure(name)
        assert isinstance(fig, Figure)
        (ax,) = fig.axes
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
        legend = ax.get_legend()
        assert legend is not None and len(legend.get_texts()) >= 1
        assert all(t.get_text() for t in legend.get_texts())
        assert fig.canvas.__class__.__name__ == "FigureCanvasAgg"


def test_binary_entropy_curve(plot):
    lines = _lines(plot.figure("binary-entropy"))
    x, h = lines["$H(p)$"]
    assert x.min() > 0 and x.max() < 1 and len(x) > 100
    assert _at(x, h, 0.5) == pytest.approx(LOG2, rel=1e-12)
    assert np.allclose(h, -x * np.log(x) - (1 - x) * np.log(1 - x), rtol=1e-12, atol=0)
    assert x[np.argmax(h)] == pytest.approx(0.5)
    assert np.allclose(h, h[::-1], atol=1e-12)  # symmetric about 1/2: H(p) = H(1 - p)


def test_binary_cross_entropy_curves(plot):
    lines = _lines(plot.figure("binary-cross-entropy"))
    (x1, y1), = [v for k, v in lines.items() if k.startswith("$y = 1$")]
    (x0, y0), = [v for k, v in lines.items() if k.startswith("$y = 0$")]
    assert _at(x1, y1, 0.5) == pytest.approx(LOG2, rel=1e-12)
    assert _at(x0, y0, 0.5) == pytest.approx(LOG2, rel=1e-12)
    assert np.allclose(y1, -np.log(x1), rtol=1e-12, atol=0)
    assert np.allclose(y0, -np.log(1 - x0), rtol=1e-12, atol=0)
    assert np.all(np.diff(y1) < 0) and np.all(np.diff(y0) > 0)  # a wrong guess costs more


@pytest.mark.parametrize("p", [(0.3, 0.7), (0.65, 0.35)])
def test_kl_decomposition_curves(plot, p):
    lines = _lines(plot.kl_decomposition(p))
    t, cross = lines["$H(p, q)$"]
    t_h, entropy = lines["$H(p)$"]
    t_kl, kl = lines[r"$D_{KL}(p \| q)$"]
    assert np.array_equal(t, t_h) and np.array_equal(t, t_kl)
    p = np.asarray(p)
    q = np.stack([t, 1 - t], axis=-1)
    h_numpy = -np.sum(p * np.log(p))
    kl_numpy = np.sum(p * np.log(p / q), axis=-1)
    assert np.allclose(entropy, h_numpy, rtol=1e-12)
    assert np.allclose(kl, kl_numpy, rtol=1e-10, atol=1e-12)
    assert np.allclose(cross, h_numpy + kl_numpy, rtol=1e-10, atol=1e-12)
    assert abs(_at(t, kl, p[0])) < 1e-12  # D_KL(p || p) = 0
    assert t[np.argmin(cross)] == pytest.approx(p[0])  # H(p, q) is smallest at q = p
    assert np.all(kl >= -1e-12)


def test_kl_decomposition_rejects_a_non_distribution(plot):
    from xentsym.errors import XentsymError
    with pytest.raises(XentsymError, match="kl-decomposition"):
        plot.kl_decomposition((0.5, 0.6))


def test_information_content_curve(plot):
    lines = _lines(plot.figure("information-content"))
    (x, y), = [v for k, v in lines.items() if "I(x_0)" in k]
    assert np.allclose(y, -np.log(x), rtol=1e-12, atol=1e-15)
    assert _at(x, y, 0.5) == pytest.approx(LOG2, rel=1e-12)
    assert _at(x, y, 1.0) == pytest.approx(0.0, abs=1e-15)


def test_inline_svg_is_self_contained(plot):
    svg = plot.inline_svg("binary-entropy", prefix="a")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "http" not in svg and "<?xml" not in svg and "<!DOCTYPE" not in svg
    other = plot.inline_svg("binary-entropy", prefix="b")
    import re
    ids_a = set(re.findall(r'\bid="([^"]+)"', svg))
    ids_b = set(re.findall(r'\bid="([^"]+)"', other))
    assert ids_a and not ids_a & ids_b
    for ref in re.findall(r'href="#([^"]+)"', svg):
        assert ref in ids_a


# ---------------------------------------------------------------------------------------
# The command line

def test_cli_lists_the_plots(plot, capsys):
    assert main(["plot", "--list"]) == 0
    out = capsys.readouterr().out
    for name in ("binary-entropy", "binary-cross-entropy", "kl-decomposition",
                 "information-content"):
        assert name in out


def test_cli_writes_svg(plot, tmp_path, capsys):
    out = tmp_path / "h.svg"
    assert main(["plot", "binary-entropy", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text and "</svg>" in text and "<path" in text
    assert str(out) in capsys.readouterr().err


def test_cli_writes_png(plot, tmp_path):
    from matplotlib.image import imread
    out = tmp_path / "kl.png"
    assert main(["plot", "kl-decomposition", "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(str(out))
    assert pixels.shape[:2] == (400, 640)
    assert (pixels[..., :3].mean(axis=-1) < 0.5).mean() > 0.01  # lines and text were drawn


def test_cli_unknown_plot_lists_the_names(plot, capsys):
    assert main(["plot", "entropy-of-everything", "-o", "x.svg"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "binary-entropy" in err and "kl-decomposition" in err


def test_cli_bad_suffix_names_the_file(plot, tmp_path, capsys):
    out = tmp_path / "plot.pdf"
    assert main(["plot", "binary-entropy", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out) in err and ".svg" in err
    assert not out.exists()


def test_cli_unwritable_plot_names_the_file(plot, tmp_path, capsys):
    out = tmp_path / "no" / "such" / "dir.svg"
    assert main(["plot", "binary-entropy", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(out) in err and "Traceback" not in err


def test_without_matplotlib_the_extra_is_named(tmp_path):
    # A fresh interpreter in which importing matplotlib fails, as on a plain install.
    code = ("import sys\n"
            "sys.modules['matplotlib'] = None\n"
            "from xentsym.cli import main\n"
            f"sys.exit(main(['plot', 'binary-entropy', '-o', {str(tmp_path / 'h.svg')!r}]))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "matplotlib" in run.stderr and "pip install 'xentsym[plot]'" in run.stderr
    assert not (tmp_path / "h.svg").exists()


def test_html_page_without_matplotlib_has_no_plot(tmp_path):
    code = ("import sys\n"
            "sys.modules['matplotlib'] = None\n"
            "from xentsym.cli import main\n"
            f"sys.exit(main(['render', 'binary-entropy', '--from', {str(ROOT / 'derivations')!r},"
            f" '--format', 'html', '-o', {str(tmp_path / 'p.html')!r}]))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    assert "<svg" not in page and '<tr class="step"' in page


def test_png_size_follows_dpi_and_size(plot, tmp_path, capsys):
    from PIL import Image
    out = tmp_path / "bk.png"
    assert main(["plot", "bernoulli-kl", "-o", str(out), "--dpi", "50", "--size", "6x4"]) == 0
    assert Image.open(out).size == (300, 200)
    svg = tmp_path / "sm.svg"
    assert main(["plot", "softmax-logit", "-o", str(svg), "--size", "5x3"]) == 0
    import xml.etree.ElementTree as ET
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and root.get("width") == "360pt"  # 5 in * 72 pt


@pytest.mark.parametrize("args", [["--dpi", "0"], ["--dpi", "nan"], ["--dpi", "x"],
                                  ["--size", "3y4"], ["--size", "0x4"], ["--size", "6x"],
                                  ["--size", "100x4"]])
def test_bad_dpi_or_size_is_a_one_line_error(args, tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["plot", "bernoulli-kl", "-o", str(tmp_path / "x.png"), *args])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and args[0] in err
    assert not (tmp_path / "x.png").exists()


def test_plot_into_a_missing_folder_is_refused(tmp_path, capsys):
    target = tmp_path / "no" / "x.svg"
    assert main(["plot", "bernoulli-kl", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(target.parent) in err and not target.parent.exists()


def test_softmax_plot_matches_scipy(plot):
    from scipy.special import softmax
    fig = plot.figure("softmax-logit")
    lines = fig.axes[0].get_lines()
    z1 = lines[0].get_xdata()
    expected = softmax(np.stack([z1, np.zeros_like(z1), np.ones_like(z1)], axis=-1), axis=-1)
    for k in range(3):
        assert np.allclose(lines[k].get_ydata(), expected[:, k], atol=1e-12)


def test_bernoulli_kl_plot_matches_scipy_and_is_zero_at_q_equal_p(plot):
    from scipy.stats import entropy
    fig = plot.figure("bernoulli-kl")
    curves = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) > 1]
    for curve, p in zip(curves, (0.1, 0.3, 0.5, 0.8)):
        q, kl = curve.get_xdata(), curve.get_ydata()
        want = [entropy([p, 1 - p], [t, 1 - t]) for t in q[::37]]
        assert np.allclose(kl[::37], want, rtol=1e-9, atol=1e-12)
        assert kl[np.argmin(np.abs(q - p))] == pytest.approx(0, abs=1e-12)
