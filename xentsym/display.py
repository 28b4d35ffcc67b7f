"""Jupyter display of the model's objects: the renderers register how (``render/jupyter.py``).

The model does not import the renderers (data flows read -> model -> check -> render): a
``Derivation`` or ``Formula`` asks this registry, and ``xentsym.render.jupyter`` fills it,
which ``import xentsym`` does by itself inside IPython. Without a hook IPython falls back
to the plain representation.
"""
from __future__ import annotations

from typing import Callable

HOOKS: dict[tuple[str, str], Callable] = {}  # (class name, "latex" | "html") -> renderer


def show(obj, kind: str) -> str | None:
    """The registered rendering of ``obj`` as ``kind``, or None."""
    hook = HOOKS.get((type(obj).__name__, kind))
    return None if hook is None else hook(obj)


def register(class_name: str, kind: str, hook: Callable) -> None:
    """How to show objects of ``class_name`` as ``kind`` (called by the renderers)."""
    HOOKS[(class_name, kind)] = hook


__all__ = ["HOOKS", "register", "show"]
