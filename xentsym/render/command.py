"""The ``render`` and ``plot`` subcommands: their arguments and what they do."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import XentsymError

EXIT_OK, EXIT_FAILED = 0, 1


def add_render_arguments(ren) -> None:
    """The arguments of ``xentsym render``."""
    ren.add_argument("name", nargs="?", help="a derivation name (see `xentsym list`)")
    ren.add_argument("--all", action="store_true", help="every derivation, one after another")
    ren.add_argument("--from", dest="paths", nargs="+", default=["derivations"],
                     metavar="PATH", help="where to find derivations (default ./derivations)")
    ren.add_argument("--format", choices=("latex", "markdown", "pdf", "html"), default="latex",
                     help="html: one self-contained page, every step verified (MathML)")
    ren.add_argument("--lang", choices=("en", "zh"), default="en")
    ren.add_argument("--paper", choices=("a4", "letter"), default="a4",
                     help="page size of the PDF (portrait, 11 pt; default a4)")
    ren.add_argument("--no-check", action="store_true",
                     help="do not verify the steps (the output says so); otherwise a step "
                          "that is not verified is marked and the exit code is 1")
    ren.add_argument("--no-cache", action="store_true",
                     help="check every step again, neither reading nor writing the cache")
    ren.add_argument("--cache-dir", metavar="DIR", default=None,
                     help="where verdicts are cached (default $XENTSYM_CACHE_DIR, else "
                          "./.xentsym-cache)")
    ren.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")


def add_plot_arguments(plo) -> None:
    """The arguments of ``xentsym plot``."""
    plo.add_argument("name", nargs="?", help="a plot name (see --list)")
    plo.add_argument("-o", "--output", metavar="FILE.svg|FILE.png",
                     help="where to write the plot (default NAME.svg)")
    plo.add_argument("--list", action="store_true", help="list the plots and exit")
    plo.add_argument("--dpi", type=_positive("--dpi", 10, 1200), default=100,
                     help="pixels per inch of a PNG (10-1200, default 100)")
    plo.add_argument("--size", type=_size, default=None, metavar="WxH",
                     help="figure size in inches, e.g. 6.4x4 (each 1-40)")


def _positive(option: str, lo: float, hi: float):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not lo <= value <= hi:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{option} takes a number from {lo:g} to {hi:g}, "
                                             f"not {text!r}")
        return value
    return parse


def _size(text: str) -> tuple[float, float]:
    """``WxH`` in inches, each from 1 to 40.

    >>> _size("6.4x4")
    (6.4, 4.0)
    """
    parts = text.lower().split("x")
    try:
        width, height = (float(v) for v in parts)
    except ValueError:
        width = height = float("nan")
    if not (1 <= width <= 40 and 1 <= height <= 40):
        raise argparse.ArgumentTypeError(f"--size takes WxH in inches, each from 1 to 40 "
                                         f"(e.g. 6.4x4), not {text!r}")
    return width, height


def writable(path: str | Path) -> Path:
    """``path`` if its folder exists; a one-line error naming it otherwise (never create it)."""
    path = Path(path)
    folder = path.parent
    if not folder.is_dir():
        raise XentsymError(f"no such folder {str(folder)!r} (create it first)", file=str(path))
    return path


def _options(args):
    """verify's options for the checks of ``render``: the defaults, and the step cache."""
    from ..cache import chosen_folder
    from ..verify import Options
    return Options(cache=chosen_folder(args))


def render(args) -> int:
    """``xentsym render``: LaTeX, Markdown, PDF or HTML of the chosen derivations, each
    step checked first (exit 1 if one is not verified) unless ``--no-check``."""
    from ..discover import discover
    from ..pool import usable_cpus
    from ..verify import summary, verify
    if bool(args.name) == args.all:
        raise XentsymError("render takes a derivation NAME or --all")
    out = args.output or (f"{args.name or 'derivations'}.pdf" if args.format == "pdf" else None)
    if out is not None:
        writable(out)  # before the checks: a wrong path fails at once
    chosen = discover(args.paths, only=None if args.all else args.name)
    results = None if args.no_check else verify(chosen, _options(args), usable_cpus())
    text = _text(args, chosen, results)
    if args.format == "pdf":
        from . import latex as tex
        tex.compile_pdf(text, Path(out), args.lang)
    elif out is not None:
        write_file(out, text)
    else:
        sys.stdout.write(text)
    if results is None:
        print(f"{'wrote ' + out + ': ' if out else ''}not checked (--no-check)", file=sys.stderr)
        return EXIT_OK
    counts = summary(results)
    print(f"{'wrote ' + out + ': ' if out else ''}{len(results)} derivations: "
          f"{counts['verified']} verified, "
          f"{counts['refuted']} refuted, {counts['unproven']} unproven", file=sys.stderr)
    return EXIT_OK if all(r.status == "verified" for r in results) else EXIT_FAILED


def _text(args, chosen, results) -> str:
    """The rendered text (for a PDF: its LaTeX source)."""
    from . import latex as tex
    from .markdown import markdown
    if args.format == "html":
        from . import html
        from ..verify import Options
        return html.page(chosen, results, args.lang, options=None if results is None
                         else Options(), checked=results is not None)
    if args.format == "pdf":
        return tex.document(chosen, args.lang, results, args.paper, results is not None)
    by_name = {r.derivation.name: r for r in results or ()}
    if args.format == "latex":
        parts = [tex.snippet(d, args.lang, by_name.get(d.name), section=args.all)
                 for d in chosen]
        note = "" if results is not None else f"% {tex.NOT_CHECKED['en']}\n"
    else:
        parts = [markdown(d, args.lang, by_name.get(d.name)) for d in chosen]
        note = "" if results is not None else f"> {tex.NOT_CHECKED[args.lang]}\n\n"
    return note + "\n".join(parts)


def document_page(checked, out) -> None:
    """``check-doc --format html``: one page of the checked documents, ``checked`` being
    (report, path) pairs in input order, written to ``out``."""
    from .. import document as docs
    from .html.document import book
    pairs = []
    for report, path in checked:
        try:
            doc = docs.read_document(path)
        except XentsymError:  # unreadable: its report already carries the error
            doc = None
        pairs.append((report, doc))
    out.write(book(pairs))


def write_file(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise XentsymError(f"cannot write: {exc.strerror or exc}", file=path) from None


def plot(args) -> int:
    """``xentsym plot``: one lecture formula as an SVG or PNG."""
    from . import plot as plots
    if args.list:
        for name, (_, what) in plots.PLOTS.items():
            print(f"{name:<22} {what}")
        return EXIT_OK
    if not args.name:
        raise XentsymError(f"plot takes a NAME or --list; plots: {', '.join(plots.names())}")
    if args.name not in plots.PLOTS:
        raise XentsymError(f"no plot named {args.name!r}; plots: {', '.join(plots.names())}")
    out = writable(args.output or f"{args.name}.svg")
    plots.save(args.name, out, dpi=args.dpi, size=args.size)
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK
