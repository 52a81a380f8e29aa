"""SQL shared by the repositories.

planted: a repository module that defines no *Repository class (repository-naming,
must-define; reported on line 1).
"""

from __future__ import annotations

ACTIVE_PRODUCTS = "SELECT sku FROM products WHERE active"


def placeholders(count: int) -> str:
    return ", ".join(f":p{i}" for i in range(count))
