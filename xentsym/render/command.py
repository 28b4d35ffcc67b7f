"""The ``render`` and ``plot`` subcommands: their arguments and what they do."""
from __future__ import annotations

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
    ren.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")


def add_plot_arguments(plo) -> None:
    """The arguments of ``xentsym plot``."""
    plo.add_argument("name", nargs="?", help="a plot name (see --list)")
    plo.add_argument("-o", "--output", metavar="FILE.svg|FILE.png",
                     help="where to write the plot (default NAME.svg)")
    plo.add_argument("--list", action="store_true", help="list the plots and exit")


def render(args) -> int:
    """``xentsym render``: LaTeX, Markdown, PDF or HTML of the chosen derivations."""
    from ..discover import discover
    from . import latex as tex
    from .markdown import markdown
    if bool(args.name) == args.all:
        raise XentsymError("render takes a derivation NAME or --all")
    chosen = discover(args.paths, only=None if args.all else args.name)
    if args.format == "pdf":
        out = Path(args.output or f"{args.name or 'derivations'}.pdf")
        tex.compile_pdf(tex.document(chosen, args.lang), out, args.lang)
        print(f"wrote {out}", file=sys.stderr)
        return EXIT_OK
    if args.format == "html":
        return _render_html(args, chosen)
    make = tex.snippet if args.format == "latex" else markdown
    text = "\n".join(make(d, args.lang) for d in chosen)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise XentsymError(f"cannot write: {exc.strerror or exc}", file=path) from None


def _render_html(args, chosen) -> int:
    from ..verify import summary
    from . import html
    page, results = html.render(chosen, args.lang)
    if args.output:
        _write(args.output, page)
        counts = summary(results)
        print(f"wrote {args.output}: {counts['verified']} verified, {counts['refuted']} "
              f"refuted, {counts['unproven']} unproven", file=sys.stderr)
    else:
        sys.stdout.write(page)
    return EXIT_OK if all(r.status == "verified" for r in results) else EXIT_FAILED


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
    out = plots.save(args.name, args.output or f"{args.name}.svg")
    print(f"wrote {out}", file=sys.stderr)
    return EXIT_OK
