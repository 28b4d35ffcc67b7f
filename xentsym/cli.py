"""The ``xentsym`` command: list, verify and render derivations (exit 0 ok, 1 not verified, 2 usage)."""
from __future__ import annotations

import argparse
import sys

from .errors import XentsymError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit 2), like the rest of the command."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="xentsym", description="Derive and check the mathematics "
                 "of the cross-entropy loss.")
    from . import __version__
    ap.add_argument("--version", action="version", version=f"xentsym {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ls = sub.add_parser("list", help="list the derivations found")
    ls.add_argument("paths", nargs="*", default=["derivations"])

    ver = sub.add_parser("verify", help="check every step symbolically and numerically")
    ver.add_argument("paths", nargs="*", default=["derivations"])
    ver.add_argument("--only", metavar="NAME", help="check just this derivation")
    ver.add_argument("--samples", type=_positive_int, default=1000,
                     help="numeric samples per step (default 1000)")
    ver.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ver.add_argument("--timeout", type=_positive_float, default=5.0,
                     help="seconds for each symbolic check (default 5)")
    ver.add_argument("--format", choices=("text", "json"), default="text")

    from .render import command as render_command
    render_command.add_render_arguments(sub.add_parser(
        "render", help="print a derivation as LaTeX or Markdown, or make a PDF or an HTML page"))
    render_command.add_plot_arguments(sub.add_parser(
        "plot", help="plot a lecture formula (needs the extra xentsym[plot])"))

    doc = sub.add_parser("check-doc", help="check the derivation chains inside a document")
    doc.add_argument("file", help="a Markdown (.md) or LaTeX (.tex) file")
    doc.add_argument("--samples", type=_positive_int, default=1000)
    doc.add_argument("--seed", type=int, default=0)
    doc.add_argument("--timeout", type=_positive_float, default=5.0)
    doc.add_argument("--format", choices=("text", "json"), default="text")
    return ap


def _check_doc(args) -> int:
    from .checkdoc import check_document
    from .verify import Options
    def progress(done, total):
        print(f"\rchecking chain {done}/{total}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)
    report = check_document(args.file, Options(args.samples, args.seed, args.timeout),
                            progress if sys.stderr.isatty() else None)
    print(report.to_json() if args.format == "json" else report.text())
    return EXIT_OK if report.ok() else EXIT_FAILED


def _list(args) -> int:
    from .discover import discover
    for d in discover(args.paths):
        steps = f"{len(d.steps)} step" + ("" if len(d.steps) == 1 else "s")
        print(f"{d.name:<32} {steps:>8}  {d.title}")
    return EXIT_OK


def _verify(args) -> int:
    from . import report
    from .discover import discover
    from .verify import Options, verify
    derivations = discover(args.paths, only=args.only)
    results = verify(derivations, Options(args.samples, args.seed, args.timeout))
    print(report.as_json(results) if args.format == "json" else report.text(results))
    return EXIT_OK if all(r.status == "verified" for r in results) else EXIT_FAILED


def _render(args) -> int:
    from .render.command import render
    return render(args)


def _plot(args) -> int:
    from .render.command import plot
    return plot(args)


COMMANDS = {"list": _list, "verify": _verify, "render": _render, "check-doc": _check_doc,
            "plot": _plot}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except XentsymError as exc:
        print(exc.one_line(), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("xentsym: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # last resort: one line, never a traceback
        print(f"xentsym: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
