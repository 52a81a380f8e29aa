"""Reading one source file: the parts of :mod:`archrules.core.facts`."""
