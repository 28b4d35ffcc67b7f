"""Plots of the lecture's formulas, drawn from ``formulas.get(name).evaluate`` with matplotlib.

Each plot function returns a matplotlib ``Figure`` (Agg canvas, no pyplot state), so callers
can read the plotted data back with ``line.get_xydata()``, save it, or embed it as SVG.
matplotlib is the optional extra ``plot``; without it every entry point raises
``MissingExtra("matplotlib", "plot")``.
"""
from __future__ import annotations

import functools
import html
import io
import re
from pathlib import Path

import numpy as np

from .. import formulas
from ..errors import MissingExtra, XentsymError

# Open intervals are sampled this far from their ends: log 0 is not a number.
EDGE = 1e-3
POINTS = 399  # odd, so the middle point 1/2 is on the grid


def _matplotlib():
    """The Figure class and the Agg canvas, or MissingExtra naming the extra."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingExtra("matplotlib", "plot") from None
    return Figure, FigureCanvasAgg


def _figure(width: float = 6.4, height: float = 4.0):
    Figure, FigureCanvasAgg = _matplotlib()
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _grid(points: int = POINTS, lo: float = EDGE, hi: float = 1 - EDGE,
          include=()) -> np.ndarray:
    """An increasing grid on [lo, hi] that contains each value of ``include`` exactly."""
    grid = np.linspace(lo, hi, points)
    extra = np.asarray(include, dtype=float)
    if extra.size:  # no near-duplicates of the values put in exactly
        grid = grid[np.abs(grid[:, None] - extra[None, :]).min(axis=1) > 1e-9]
    return np.union1d(grid, extra)


def _style(ax, xlabel: str, ylabel: str, title: str) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, color="0.9")
    ax.legend(frameon=False)


def binary_entropy():
    """H(p) = -p log p - (1 - p) log(1 - p) on (0, 1), with its maximum log 2 at p = 1/2."""
    fig, ax = _figure()
    p = _grid(include=(0.5,))
    h = formulas.get("binary_entropy").evaluate(p=p)
    ax.plot(p, h, color="C0", lw=2, label="$H(p)$")
    ax.axhline(np.log(2), color="0.5", ls="--", lw=1, label=r"$\log 2$")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 0.8)
    _style(ax, "$p$, the probability of one outcome", "$H(p)$ in nats",
           "Entropy of a coin")
    return fig


def binary_cross_entropy():
    """The loss of one sample against the prediction y-hat, for the labels y = 1 and y = 0."""
    fig, ax = _figure()
    yhat = _grid(include=(0.5,))
    bce = formulas.get("binary_cross_entropy")
    for label, colour, reads in ((1, "C0", r"-\log \hat{y}"),
                                 (0, "C3", r"-\log(1 - \hat{y})")):
        # One sample per point: y_hat has shape (points, 1), the label broadcasts.
        loss = bce.evaluate(y=np.array([label]), y_hat=yhat[:, None])
        ax.plot(yhat, loss, color=colour, lw=2, label=f"$y = {label}$: ${reads}$")
    ax.axhline(np.log(2), color="0.5", ls="--", lw=1, label=r"$\log 2$")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5)
    _style(ax, r"$\hat{y}$, the predicted probability of class 1", "loss of one sample (nats)",
           "Binary cross-entropy loss")
    return fig


def kl_decomposition(p=(0.3, 0.7)):
    """For a fixed p, H(p, q), H(p) and D_KL(p || q) along q = (t, 1 - t).

    The cross-entropy curve is the entropy line plus the KL curve; the KL curve touches 0
    at q = p, which is where H(p, q) is smallest.
    """
    p = np.asarray(p, dtype=float)
    if p.shape != (2,) or not np.all((p > 0) & (p < 1)) or not np.isclose(p.sum(), 1):
        raise XentsymError(f"kl-decomposition needs p = (p1, 1 - p1) with 0 < p1 < 1, "
                           f"got {p.tolist()}")
    fig, ax = _figure()
    t = _grid(include=(p[0],))
    q = np.stack([t, 1 - t], axis=-1)
    cross = formulas.get("cross_entropy").evaluate(p=p, q=q)
    entropy = formulas.get("entropy").evaluate(p=p)
    kl = formulas.get("kl_divergence").evaluate(p=p, q=q)
    ax.plot(t, cross, color="C0", lw=2.5, label="$H(p, q)$")
    ax.plot(t, np.full_like(t, entropy), color="C2", lw=1.5, ls="--", label="$H(p)$")
    ax.plot(t, kl, color="C3", lw=1.5, label=r"$D_{KL}(p \| q)$")
    ax.axvline(p[0], color="0.6", lw=1, ls=":", label=f"$q = p$ ($q_1 = {p[0]:g}$)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 3)
    _style(ax, "$q_1$, with $q = (q_1, 1 - q_1)$", "nats",
           f"$H(p, q) = H(p) + D_{{KL}}(p \\| q)$ for $p = ({p[0]:g}, {p[1]:g})$")
    return fig


def information_content():
    """I = -log p: rare events carry much information, certain ones none."""
    fig, ax = _figure()
    p = _grid(lo=0.01, hi=1.0, include=(0.5,))
    info = formulas.get("information_content").evaluate(p=p)
    ax.plot(p, info, color="C0", lw=2, label=r"$I(x_0) = -\log p(x_0)$")
    ax.plot([0.5], [np.log(2)], "o", color="C3", label=r"$p(x_0) = 1/2$: $\log 2$")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 4.7)
    _style(ax, "$p(x_0)$, the probability of the event", "information in nats",
           "Information content")
    return fig


def bernoulli_kl(ps=(0.1, 0.3, 0.5, 0.8)):
    """D_KL(Bern(p) || Bern(q)) as curves over q for a few p: zero exactly at q = p."""
    fig, ax = _figure()
    kl = formulas.get("kl_divergence")
    for j, p in enumerate(ps):
        t = _grid(include=(p,))
        curve = kl.evaluate(p=np.array([p, 1 - p]), q=np.stack([t, 1 - t], axis=-1))
        ax.plot(t, curve, color=f"C{j}", lw=2, label=f"$p = {p:g}$")
        ax.plot([p], [0], "o", color=f"C{j}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 2)
    _style(ax, "$q$, the predicted probability of success", "nats",
           r"$D_{KL}(\mathrm{Bern}(p) \| \mathrm{Bern}(q))$")
    return fig


def softmax_logit(others=(0.0, 1.0)):
    """The softmax probabilities of three classes as the first logit z_1 moves."""
    fig, ax = _figure()
    z1 = np.linspace(-6, 6, POINTS)
    logits = np.stack([z1] + [np.full_like(z1, v) for v in others], axis=-1)
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probs = shifted / shifted.sum(axis=-1, keepdims=True)
    for k in range(probs.shape[1]):
        fixed = "" if k == 0 else f" ($z_{k + 1} = {others[k - 1]:g}$)"
        ax.plot(z1, probs[:, k], color=f"C{k}", lw=2, label=f"$\\hat{{y}}_{k + 1}${fixed}")
    ax.set_xlim(-6, 6)
    ax.set_ylim(0, 1)
    _style(ax, "$z_1$, the first logit", "probability", "Softmax of three logits")
    return fig


PLOTS = {
    "binary-entropy": (binary_entropy, "H(p) of a coin on (0, 1)"),
    "binary-cross-entropy": (binary_cross_entropy, "loss against y-hat for y = 1 and y = 0"),
    "kl-decomposition": (kl_decomposition, "H(p, q) = H(p) + D_KL(p || q) along a path of q"),
    "information-content": (information_content, "-log p on (0, 1]"),
    "bernoulli-kl": (bernoulli_kl, "D_KL(Bern(p) || Bern(q)) over q for a few p"),
    "softmax-logit": (softmax_logit, "softmax probabilities of 3 classes against z_1"),
}

# The plot shown beside each derivation on the HTML page.
FOR_DERIVATION = {
    "binary-entropy": "binary-entropy",
    "kl-split": "kl-decomposition",
    "drop-mean-and-sign": "binary-cross-entropy",
    "mle-to-cross-entropy": "binary-cross-entropy",
}


def names() -> list[str]:
    return list(PLOTS)


def figure(name: str):
    """The Figure of the plot called ``name``."""
    if name not in PLOTS:
        raise XentsymError(f"no plot named {name!r}; known: {', '.join(PLOTS)}")
    return PLOTS[name][0]()


def save(name: str, out, dpi: float = 100, size: tuple | None = None) -> Path:
    """Draw ``name`` into ``out`` (.svg or .png by its suffix); ``size`` is (width, height)
    in inches, so a PNG is ``dpi`` times that many pixels."""
    out = Path(out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise XentsymError("the output must end in .svg or .png", file=str(out))
    fig = figure(name)
    if size is not None:
        fig.set_size_inches(*size)
    try:
        with _reproducible():
            fig.savefig(out, format=fmt, metadata=_metadata(fmt), dpi=dpi)
    except OSError as exc:
        raise XentsymError(f"cannot write the plot: {exc.strerror or exc}",
                           file=str(out)) from None
    return out


def _metadata(fmt: str) -> dict:
    # No date (reproducible files) and, in SVG, no links to metadata vocabularies.
    if fmt == "svg":
        return {"Date": None, "Creator": None, "Format": None, "Type": None}
    return {"Software": None}


def _reproducible():
    """Fixed SVG ids: the same plot gives the same file."""
    import matplotlib
    return matplotlib.rc_context({"svg.hashsalt": "xentsym"})


@functools.lru_cache(maxsize=None)
def _bare_svg(name: str) -> str:
    fig = figure(name)
    buf = io.StringIO()
    with _reproducible():
        fig.savefig(buf, format="svg", metadata=_metadata("svg"))
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)


def inline_svg(name: str, prefix: str | None = None) -> str:
    """The plot as an ``<svg>`` element to paste into HTML: no XML prologue, no metadata,
    no namespace URLs, and ids prefixed so that several plots can share one page."""
    if name not in PLOTS:
        raise XentsymError(f"no plot named {name!r}; known: {', '.join(PLOTS)}")
    svg = _bare_svg(name)
    tag = prefix or f"plot-{name}"
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{tag}-{m.group(1)}"', svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{tag}-{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{tag}-{m.group(1)})", svg)
    label = html.escape(PLOTS[name][1], quote=True)
    return svg.replace(">", f' role="img" aria-label="{label}">', 1).strip()
