"""xentsym: the mathematics of the cross-entropy loss, derived step by step and checked twice."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Derivation", "__version__"]

import sys as _sys

if "IPython" in _sys.modules:  # in a notebook: derivations and formulas display themselves
    from .render import jupyter as _jupyter  # noqa: F401


def __getattr__(name):
    # Keep `import xentsym` light: the engine loads on first use.
    if name == "Derivation":
        from .derivation import Derivation
        return Derivation
    raise AttributeError(name)
