"""What a shopper sees in the catalog."""

from __future__ import annotations

from dataclasses import dataclass

from shop.domain.product import Product


@dataclass(frozen=True)
class Listing:
    product: Product
    available: int
    score: float = 0.0

    @property
    def in_stock(self) -> bool:
        return self.available > 0

    @property
    def low_stock(self) -> bool:
        return 0 < self.available <= 3
