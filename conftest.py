"""Repository-level pytest settings: modules that must not be imported for doctests."""
collect_ignore = ["xentsym/__main__.py"]
