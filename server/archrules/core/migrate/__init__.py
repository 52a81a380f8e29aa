"""Migration from another tool's configuration (``archrules init --from-...``).

One module per source tool (``importlinter``, ``tach``) reads that tool's configuration and
returns a ``Migration``: the text of an ``archrules.toml`` that means the same, and the
list of what has no equivalent (also written as ``# no equivalent:`` comments in the
text). Nothing is imported or executed; the project's files are only looked at to find
where the named top-level packages live (the source roots). This package is what adapters
import (ADR-0028); ``common`` holds what the tools' modules share.
"""

from __future__ import annotations

from archrules.core.migrate.common import Migration, MigrationError
from archrules.core.migrate.importlinter import migrate as migrate_importlinter
from archrules.core.migrate.tach import migrate as migrate_tach

__all__ = ["Migration", "MigrationError", "migrate_importlinter", "migrate_tach"]
