"""The ``xentsym`` command: list, verify, render, plot and check-doc (exit codes: EPILOG)."""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from .errors import XentsymError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_PIPE = 130, 141  # 128 + SIGINT, 128 + SIGPIPE, as a shell reports them

EPILOG = """exit codes:
  0    everything checked is verified (check-doc: no step refuted, unproven or unparsed,
       no unreadable display and no bad hint)
  1    some step is refuted or unproven (check-doc: or unparsed, or a display or a hint
       could not be read)
  2    bad usage, or input that cannot be read: a missing file or folder, a pattern that
       matches nothing, a document that is not text, a derivation script that fails to
       load. Everything else given is still checked and reported; 2 wins over 1.
  130  interrupted (Ctrl-C); no worker process is left running
  141  the output pipe was closed (xentsym check-doc notes/ | head -1); nothing more printed
"""
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


def _add_cache(sub) -> None:
    sub.add_argument("--no-cache", action="store_true",
                     help="check every step again, neither reading nor writing the cache")
    sub.add_argument("--cache-dir", metavar="DIR", default=None,
                     help="where verdicts are cached (default $XENTSYM_CACHE_DIR, else "
                          "./.xentsym-cache)")
    sub.add_argument("-o", "--output", metavar="FILE",
                     help="write the report here instead of stdout")


def _parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="xentsym", description="Derive and check the mathematics "
                 "of the cross-entropy loss.", epilog=EPILOG,
                 formatter_class=argparse.RawDescriptionHelpFormatter)
    from . import __version__
    ap.add_argument("--version", action="version", version=f"xentsym {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)
    raw = {"epilog": EPILOG, "formatter_class": argparse.RawDescriptionHelpFormatter}

    ls = sub.add_parser("list", help="list the derivations found")
    ls.add_argument("paths", nargs="*", default=["derivations"])

    ver = sub.add_parser("verify", help="check every step symbolically and numerically",
                         description="Check every step of the derivations found. A script "
                         "that fails to load is reported (file:line and the error, one line "
                         "each) and the others are checked; the exit code is then 2.", **raw)
    ver.add_argument("paths", nargs="*", default=["derivations"])
    ver.add_argument("--only", metavar="NAME", help="check just this derivation")
    ver.add_argument("--samples", type=_positive_int, default=1000,
                     help="numeric samples per step (default 1000)")
    ver.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ver.add_argument("--timeout", type=_positive_float, default=5.0,
                     help="seconds for each symbolic check (default 5)")
    ver.add_argument("--format", choices=("text", "json"), default="text")
    ver.add_argument("-j", "--jobs", type=_positive_int, default=None,
                     help="derivations checked at once in separate processes (default: one "
                          "per CPU this process may use); the report keeps the input order")
    _add_cache(ver)

    from .render import command as render_command
    render_command.add_render_arguments(sub.add_parser(
        "render", help="print a derivation as LaTeX or Markdown, or make a PDF or an HTML page"))
    render_command.add_plot_arguments(sub.add_parser(
        "plot", help="plot a lecture formula (needs the extra xentsym[plot])"))

    doc = sub.add_parser(
        "check-doc", help="check the derivation chains inside documents",
        description="Check the displayed equations of Markdown (.md, .qmd), LaTeX (.tex) and "
        "Jupyter (.ipynb, Markdown cells) documents. A folder is searched recursively, a "
        "quoted pattern (notes/**/*.md) is expanded. --format github prints GitHub Actions "
        "annotations: ::error for a refuted step or an unreadable display or hint, "
        "::warning for an unproven or unparsed step and for a document warning. JSON is one "
        "object for a single file argument, else a list in input order.", **raw)
    doc.add_argument("paths", nargs="+", metavar="PATH",
                     help="a document, a folder or a glob pattern")
    doc.add_argument("--samples", type=_positive_int, default=1000)
    doc.add_argument("--seed", type=int, default=0)
    doc.add_argument("--timeout", type=_positive_float, default=5.0)
    doc.add_argument("--format", choices=("text", "json", "github", "html"), default="text",
                     help="html: one self-contained page, each display with its steps' "
                          "verdicts, diagnoses and counterexamples")
    doc.add_argument("-j", "--jobs", type=_positive_int, default=1,
                     help="documents checked at once in separate processes (default 1); "
                          "the output keeps the input order")
    doc.add_argument("--explain", action="store_true",
                     help="under each verified step, the chain of named rules between its "
                          "sides (text and json)")
    _add_cache(doc)
    from . import explain_command
    explain_command.add_arguments(sub.add_parser(
        "explain", help="the chain of named rules behind a verified step (FILE:LINE)"))
    return ap


def _options(args):
    from .cache import chosen_folder
    from .verify import Options
    return Options(args.samples, args.seed, args.timeout, chosen_folder(args))


def _check_doc(args, out) -> int:
    if args.explain:
        if args.format == "html":
            raise XentsymError("--explain prints text or json; the html page shows no chains")
        from .explain_command import check_doc
        return check_doc(args, out)
    from . import jobs, paths
    from .docreport import DocReport, counts_line
    try:
        documents, single = paths.collect(args.paths)
    except XentsymError as exc:
        print(exc.one_line(), file=sys.stderr)
        return EXIT_USAGE
    pages = []  # --format html: (report, path) in input order

    def progress(done, total):
        print(f"\rchecking chain {done}/{total}", end="" if done < total else "\n",
              file=sys.stderr, flush=True)
    code, dicts, totals = EXIT_OK, [], None
    for checked in jobs.run(documents, _options(args), args.jobs,
                            progress if sys.stderr.isatty() else None):
        report = checked.report
        if report is None:
            code = EXIT_USAGE
            print(checked.error, file=sys.stderr, flush=True)
            report = DocReport(checked.path, errors=[checked.where])
        elif not report.ok() and code == EXIT_OK:
            code = EXIT_FAILED
        counts = report.summary()
        totals = counts if totals is None else {k: totals[k] + counts[k] for k in totals}
        if args.format == "json":
            dicts.append({**report.to_dict(), **({"unreadable": True}
                                                 if checked.report is None else {})})
        elif args.format == "github":
            for line in report.github():
                print(line, file=out, flush=True)
        elif args.format == "html":
            pages.append((report, checked.path))
        elif checked.report is not None:
            print(report.text() + ("" if single else "\n"), file=out, flush=True)
    if args.format == "json":
        import json
        print(json.dumps(dicts[0] if single else dicts, indent=2, ensure_ascii=False), file=out)
    elif args.format == "html":
        from .render.command import document_page
        document_page(pages, out)
    elif not single or args.format == "github":
        print(f"xentsym check-doc: {len(documents)} document"
              f"{'' if len(documents) == 1 else 's'}: {counts_line(totals)}", file=out)
    return code


def _list(args, out) -> int:
    from .discover import discover
    for d in discover(args.paths):
        steps = f"{len(d.steps)} step" + ("" if len(d.steps) == 1 else "s")
        print(f"{d.name:<32} {steps:>8}  {d.title}", file=out)
    return EXIT_OK


def _verify(args, out) -> int:
    from . import collector, report, runcache
    from .cache import chosen_folder
    asked = {"samples": args.samples, "seed": args.seed, "only": args.only}
    folder = chosen_folder(args)
    cache = None
    if folder is not None:  # a run done before with the same inputs: its report, no SymPy
        cache = runcache.RunCache(folder, runcache.run_key(args.paths, asked))
        entry = cache.get()
        if entry is not None:
            return _report_run(args, out, entry["derivations"], entry["errors"],
                               entry["messages"])

    def met(exc: XentsymError) -> None:  # a broken script is told as it is met
        print(exc.one_line(), file=sys.stderr, flush=True)
    with runcache.recording() as files:
        with collector.paused():
            from .pool import usable_cpus
            from .verify_scripts import verify_scripts
        run = verify_scripts(args.paths, _options(args), args.jobs or usable_cpus(),
                             args.only, record=cache is not None, met=met)
    files.update({k: v for k, v in run.files.items() if k not in files})
    done, errors = run.reports, report.errors_of(run.broken)
    if cache is not None and run.settled:
        cache.put(done, errors, [exc.one_line() for exc in run.broken], files,
                  runcache.run_key(args.paths, asked))
    return _report_run(args, out, done, errors, None)


def _report_run(args, out, derivations: list[dict], errors: list[dict],
                messages: list[str] | None) -> int:
    """Print a verify run's report (``messages``: the broken scripts' lines, when they
    were not printed as the scripts loaded) and return its exit code."""
    from . import report
    for line in messages or ():
        print(line, file=sys.stderr, flush=True)
    if args.format == "json":
        print(report.json_of(derivations, errors), file=out)
    elif derivations or not errors:  # nothing loaded: the errors above are the whole story
        print(report.text_of(derivations), file=out)
    if errors:
        return EXIT_USAGE
    return EXIT_OK if all(report.passes(d["status"], d["expect_unproven"])
                          for d in derivations) else EXIT_FAILED


def _render(args, out) -> int:
    from .render.command import render
    return render(args)


def _plot(args, out) -> int:
    from .render.command import plot
    return plot(args)


def _explain(args, out) -> int:
    from .explain_command import run
    return run(args, out)


COMMANDS = {"list": _list, "verify": _verify, "render": _render, "check-doc": _check_doc,
            "plot": _plot, "explain": _explain}
WRITES_ITSELF = {"render", "plot"}  # -o is theirs: checked here, written there


def _output_problem(output: str | None) -> str | None:
    """Why ``-o output`` cannot be written, before any work is done (None: it can)."""
    if not output or output == "-":
        return None
    path = Path(output)
    if path.is_dir():
        return f"{output}: error: cannot write the output: it is a folder"
    folder = path.parent
    if not folder.is_dir():
        return f"{output}: error: cannot write the output: no folder {str(folder)!r}"
    if not os.access(folder, os.W_OK):
        return f"{output}: error: cannot write the output: the folder is not writable"
    return None


def _interrupt_handler(main_pid: int):
    def handler(signum, frame):
        if os.getpid() != main_pid:  # a forked worker: end quietly, the parent reports
            os._exit(EXIT_INTERRUPTED)
        raise KeyboardInterrupt
    return handler


def _quiet_stdout() -> None:
    """After the reader closed the pipe: send what is left to /dev/null (no second error)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    problem = _output_problem(getattr(args, "output", None))
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    previous = None
    try:  # only the main thread may set a handler; elsewhere Ctrl-C keeps its default
        previous = signal.signal(signal.SIGINT, _interrupt_handler(os.getpid()))
    except ValueError:
        pass
    to_file = args.command not in WRITES_ITSELF and getattr(args, "output", None) not in (None, "-")
    out = sys.stdout
    try:
        if to_file:
            out = open(args.output, "w", encoding="utf-8")
        code = COMMANDS[args.command](args, out)
        out.flush()
        return code
    except XentsymError as exc:
        print(exc.one_line(), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("xentsym: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_PIPE
    except OSError as exc:
        print(f"xentsym: error: {exc.strerror or exc}"
              + (f": {exc.filename}" if exc.filename else ""), file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # last resort: one line, never a traceback
        print(f"xentsym: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        if out is not sys.stdout:
            out.close()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def run() -> None:
    """The ``xentsym`` command: ``main``, then an exit that skips freeing objects one by one.
    Everything is written and flushed by then; a normal exit spent 0.09 s of a 1.1 s
    ``verify`` run taking SymPy's expressions and caches apart (mypy exits the same way).
    Job processes are gone already, and any left die with this one (PR_SET_PDEATHSIG)."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = code or EXIT_PIPE
    except (OSError, ValueError):
        pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
