"""Renderers: LaTeX, Markdown (and later HTML) views of derivations."""
