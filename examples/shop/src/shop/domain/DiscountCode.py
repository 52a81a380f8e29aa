"""Discount codes: a fixed amount or a percentage off an order.

planted: a module named in PascalCase among snake_case siblings (naming-drift, a hint;
reported on line 1).
"""

from __future__ import annotations

from decimal import Decimal

import attrs


@attrs.frozen
class DiscountCode:
    code: str
    percent: Decimal | None = None
    amount: Decimal | None = None
