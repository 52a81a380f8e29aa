"""archrules: keep a Python codebase coherent with its declared architecture."""

__version__ = "0.1.0"
