"""The language server: a thin pygls adapter over ``archrules.core.workspace``.

One module per LSP feature; ``server`` wires them together. Nothing here decides what is a
violation: that is the engine's job (ADR-0002)."""
