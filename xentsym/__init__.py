"""xentsym: the mathematics of the cross-entropy loss, derived step by step and checked twice."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Derivation", "__version__"]


def __getattr__(name):
    # Keep `import xentsym` light: the engine loads on first use.
    if name == "Derivation":
        from .derivation import Derivation
        return Derivation
    raise AttributeError(name)
