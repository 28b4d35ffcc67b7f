"""Results remembered by their arguments, for the checks that ask the same question again
(a chain's step i+1 starts where step i ended; a diagnosis probes one side many times)."""
from __future__ import annotations

import functools
from typing import Callable


def remembered(maxsize: int) -> Callable:
    """``functools.lru_cache(maxsize)``, but arguments that cannot be hashed (an expression
    holding an unhashable object) are computed afresh rather than refused.

    >>> @remembered(2)
    ... def size(x):
    ...     return len(x)
    >>> size((1, 2)), size([1, 2, 3])
    (2, 3)
    """
    def wrap(fn: Callable) -> Callable:
        kept = functools.lru_cache(maxsize=maxsize)(fn)

        @functools.wraps(fn)
        def call(*args):
            try:
                hash(args)
            except TypeError:  # checked first: a TypeError from fn itself is fn's own
                return fn(*args)
            return kept(*args)
        call.cache_clear = kept.cache_clear  # type: ignore[attr-defined]
        return call
    return wrap


__all__ = ["remembered"]
