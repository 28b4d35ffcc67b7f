"""Find derivations: run the scripts under derivations/ and collect the Derivation objects."""
from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path
from typing import Iterable, Iterator

from .derivation import Derivation
from .errors import DerivationError, XentsymError


def script_paths(paths) -> list[Path]:
    """The .py files named, or found in the folders named (sorted, no private files)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.py") if not p.name.startswith("_"))
        elif path.is_file():
            found.append(path)
        else:
            raise DerivationError(f"no such file or folder: {raw}", file=str(raw))
    return found


def _where(exc: BaseException, path: Path) -> int | None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if Path(f.filename).resolve() == path.resolve()]
    return frames[-1].lineno if frames else getattr(exc, "lineno", None)


def load_script(path: Path) -> list[Derivation]:
    """Run one script and return the derivations it defines, in definition order."""
    # Named by what the script is (its place and bytes), the same in every run: a class it
    # defines enters the step cache's keys by this module name, so an edit makes new keys.
    try:
        code = path.read_bytes()
    except OSError as exc:
        raise DerivationError(f"cannot read the script: {exc.strerror or exc}",
                              file=str(path)) from None
    name = f"xentsym_derivations.{path.stem}_" + hashlib.sha256(
        str(path.resolve()).encode() + b"\0" + code).hexdigest()[:16]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise DerivationError("not a Python file", file=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        # From the bytes on disk, never a cached .pyc: a .pyc is trusted by modification
        # second and size, so an edit of the same size within a second would run old code
        # (and the run cache, keyed by these bytes, would keep that result).
        code = spec.loader.source_to_code(code, str(path))
        exec(code, module.__dict__)
    except XentsymError as exc:
        raise exc.located(str(path), _where(exc, path)) from None
    except SyntaxError as exc:
        raise DerivationError(f"syntax error: {exc.msg}", file=str(path), line=exc.lineno,
                              column=exc.offset) from None
    except Exception as exc:  # a user's script may raise anything; report it in one line
        raise DerivationError(f"the script raised {type(exc).__name__}: {exc}",
                              file=str(path), line=_where(exc, path)) from None
    finally:
        sys.modules.pop(name, None)
    found = [v for v in vars(module).values() if isinstance(v, Derivation)]
    return sorted(found, key=lambda d: d.origin[1])


def discover(paths=("derivations",), only: str | None = None) -> list[Derivation]:
    """All derivations under ``paths``; with ``only``, just the one of that name. The first
    broken script raises its DerivationError (``discover_all`` collects them all)."""
    found, broken = discover_all(paths, only)
    if broken:
        raise broken[0]
    return found


def discover_all(paths=("derivations",), only: str | None = None
                 ) -> tuple[list[Derivation], list[XentsymError]]:
    """``(derivations, errors)``: every script that loads gives its derivations, every one
    that does not (or reuses a name) an error with its file and line; a path that names
    nothing, or ``only`` naming no derivation found, is an error too."""
    found: list[Derivation] = []
    broken: list[XentsymError] = []
    for made in load_all(paths, only):
        (broken if isinstance(made, XentsymError) else found).append(made)
    return found, broken


def load_all(paths=("derivations",), only: str | None = None
             ) -> Iterator[Derivation | XentsymError]:
    """What ``discover_all`` finds, each derivation as soon as its script has run and each
    error as it is met, so checking can start while later scripts still load."""
    scripts: list[Path] = []
    for raw in paths:
        try:
            scripts += script_paths([raw])
        except XentsymError as exc:
            yield exc

    def loaded():
        for path in scripts:
            try:
                yield path, load_script(path)
            except XentsymError as exc:
                yield path, exc.located(str(path))
    yield from collate(loaded(), only)


def collate(loaded: Iterable[tuple], only: str | None = None) -> Iterator:
    """The derivations of scripts loaded in order, ``(path, derivations or the error the
    script failed with)``, as ``load_all`` yields them: a name used twice is an error at its
    second use, ``only`` keeps the one of that name (an error when no script defines it).
    A derivation here is anything with a ``name`` and an ``origin`` (file, line)."""
    seen: dict[str, str] = {}  # name -> the file that defined it first
    for path, got in loaded:
        if isinstance(got, XentsymError):
            yield got
            continue
        for d in got:
            if d.name in seen:
                yield DerivationError(
                    f"derivation name {d.name!r} is used twice (also in {seen[d.name]})",
                    file=str(path), line=d.origin[1])
                continue
            seen[d.name] = d.origin[0]
            if only is None or d.name == only:
                yield d
    if only is not None and only not in seen:
        yield DerivationError(f"no derivation named {only!r}; "
                              f"known: {', '.join(seen) or 'none'}")
