"""Presentations of the engine's data that both adapters (the CLI and the language server)
hand out as documents: the architecture picture (``render.picture``). Protocol-free like the
core, but presentation, which the core never does (ADR-0017)."""
