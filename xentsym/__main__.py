"""``python -m xentsym``: the same as the ``xentsym`` command."""
from .cli import run

run()
