"""The documents check-doc is given: files, folders searched recursively, and glob patterns."""
from __future__ import annotations

import glob
import os
from pathlib import Path

from .errors import XentsymError

# What a folder or a pattern contributes: notes check-doc can read (a file named
# explicitly is read whatever its suffix, its kind sniffed from the text).
DOCUMENT_SUFFIXES = frozenset({".md", ".markdown", ".qmd", ".rmd", ".tex", ".latex", ".ltx",
                               ".ipynb"})
# Folders never searched: tool state, not notes (and the checkpoints copy every notebook).
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", ".xentsym-cache", ".ipynb_checkpoints",
                             "node_modules", "__pycache__", ".tox", ".venv", "_build",
                             "_site", ".quarto"})
_GLOB_CHARS = frozenset("*?[")


class InputError(XentsymError):
    """A path that names nothing readable, or a pattern that matches no document."""


def _in_folder(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith("."))
        found += [Path(root, f) for f in files if Path(f).suffix.lower() in DOCUMENT_SUFFIXES]
    return sorted(found, key=lambda p: p.parts)  # as `find | sort` lists them


def expand(raw: str) -> tuple[list[Path], bool]:
    """The documents one argument names, and whether it named exactly one file."""
    path = Path(raw)
    if path.is_file():
        return [path], True
    if path.is_dir():
        return _in_folder(path), False
    if _GLOB_CHARS & set(raw):
        found: list[Path] = []
        for match in sorted(glob.glob(raw, recursive=True)):
            p = Path(match)
            if p.is_dir():
                found += _in_folder(p)
            elif p.suffix.lower() in DOCUMENT_SUFFIXES:
                found.append(p)
        if not found:
            raise InputError(f"the pattern {raw!r} matches no document "
                             f"({', '.join(sorted(DOCUMENT_SUFFIXES))})")
        return found, False
    raise InputError("no such file or folder", file=raw)


def collect(paths) -> tuple[list[Path], bool]:
    """Every document the arguments name, in the order given (each once), and whether the
    arguments were a single file (check-doc then prints one JSON object, not a list).

    A folder that holds no document is an error, so a typo in CI cannot pass silently.
    """
    out: list[Path] = []
    seen: set = set()
    single = len(paths) == 1
    for raw in paths:
        found, is_file = expand(str(raw))
        single = single and is_file
        if not found:
            raise InputError("the folder holds no document "
                             f"({', '.join(sorted(DOCUMENT_SUFFIXES))})", file=str(raw))
        for p in found:
            key = os.path.normcase(os.path.abspath(p))
            if key not in seen:
                seen.add(key)
                out.append(p)
    return out, single


__all__ = ["collect", "expand", "DOCUMENT_SUFFIXES", "InputError"]
