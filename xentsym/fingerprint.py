"""Hashes of what a cached answer depends on: xentsym's sources, library versions, files."""
from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# The libraries a verdict is computed with. Their versions come from the installed
# metadata, so taking a fingerprint never imports them (a warm run never loads SymPy).
LIBRARIES = ("sympy", "numpy", "mpmath", "latex2sympy2_extended")


# Ground types: SymPy and mpmath compute with gmpy2 or python-flint when they are installed
# (or when these settings say so), which can change what a check finds in its time budget.
ARITHMETIC = ("gmpy2", "python-flint")
SETTINGS = ("SYMPY_", "MPMATH_")


@functools.lru_cache(maxsize=1)
def versions() -> str:
    """The interpreter, the installed versions of LIBRARIES and ARITHMETIC, and the SymPy
    and mpmath settings in the environment, as one line."""
    from . import __version__

    found = _listed_versions(LIBRARIES + ARITHMETIC)
    # not listed: not installed; listed without a version: the metadata says it
    libs = "|".join(f"{name}={found[name] or _metadata_version(name)}" if name in found
                    else f"{name}=-" for name in LIBRARIES + ARITHMETIC)
    settings = "|".join(sorted(f"{k}={v}" for k, v in os.environ.items()
                               if k.startswith(SETTINGS)))
    return (f"xentsym={__version__}|{libs}|python={sys.version_info[:3]}|"
            f"{os.path.realpath(sys.executable)}|{sys.prefix}|{settings}")


def _listed_versions(names) -> dict:
    """{name: version} read off the ``name-version.dist-info`` (or ``.egg-info``) entries on
    ``sys.path``, the first of each name, as ``importlib.metadata`` finds it: one listing per
    folder, where the metadata cost 18 ms of every run (a search of every folder for each
    name, and the absent ones searched through)."""
    wanted = {_normal(n): n for n in names}
    found: dict = {}
    for entry in sys.path:
        try:
            items = os.listdir(entry or ".")
        except OSError:
            continue
        for item in items:
            if item.endswith((".dist-info", ".egg-info")):
                name, _, version = item.rsplit(".", 1)[0].partition("-")
                key = wanted.get(_normal(name))
                if key is not None and key not in found:
                    found[key] = version or None  # no version in the name: ask the metadata
    return found


def _normal(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").lower()


def _metadata_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def sources(skip: frozenset = frozenset()) -> str:
    """A hash of the xentsym source files, but those whose folder or name is in ``skip``."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE)
        if name.parts[0] not in skip and name.name not in skip:
            h.update(str(name).encode() + b"\0" + _source_hash(path).encode() + b"\0")
    return h.hexdigest()


_READ: dict = {}  # path -> ((mtime_ns, size), hash): a run asks for the sources 3 times


def _source_hash(path: Path) -> str:
    st = path.stat()
    seen = (st.st_mtime_ns, st.st_size)
    hit = _READ.get(path)
    if hit is None or hit[0] != seen:
        hit = _READ[path] = (seen, hashlib.sha256(path.read_bytes()).hexdigest())
    return hit[1]


def file_hash(path) -> str | None:
    """The SHA-256 of a file's bytes; None when it cannot be read (missing, a folder)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


__all__ = ["versions", "sources", "file_hash", "LIBRARIES"]
