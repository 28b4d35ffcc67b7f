"""Shared fixtures for the xentsym test suite."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
TESTS_DIR = Path(__file__).resolve().parent

# Make the helper module ``oracle`` (beside this file) importable from the tests.
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

# The verdict cache of every CLI run the tests make goes to a folder of this session's own
# (inherited by subprocesses), never into the repository or a user's cache: a test that
# patches a checker must not leave its verdicts where a later run would read them.
os.environ["XENTSYM_CACHE_DIR"] = tempfile.mkdtemp(prefix="xentsym-test-cache-")

# Filled by test_mutations.py; printed at the end of the run whatever the verbosity.
MUTATION_STATS: dict = {}


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the folder holding pyproject.toml and derivations/)."""
    assert (REPO_ROOT / "pyproject.toml").is_file(), REPO_ROOT
    return REPO_ROOT


@pytest.fixture(scope="session")
def derivations_dir(repo_root) -> Path:
    path = repo_root / "derivations"
    assert path.is_dir()
    return path


def pytest_runtest_logreport(report):
    # Under pytest-xdist the campaign runs in a worker; its figures come back as a property.
    for key, value in getattr(report, "user_properties", ()):
        if key == "mutation_stats" and report.when == "call":
            MUTATION_STATS.update(value)


def pytest_terminal_summary(terminalreporter):
    if not MUTATION_STATS:
        return
    s = MUTATION_STATS
    terminalreporter.write_sep("-", "xentsym mutation testing")
    terminalreporter.write_line(
        f"mutants: {s['total']} built, {s['equivalent']} equivalent (skipped), "
        f"{s['changing']} value-changing; killed {s['killed']}/{s['changing']} "
        f"({s['rate']:.1%})")
    for kind, (killed, changing, equivalent) in sorted(s["by_kind"].items()):
        terminalreporter.write_line(f"  {kind:<16} killed {killed}/{changing}, "
                                    f"equivalent {equivalent}")
