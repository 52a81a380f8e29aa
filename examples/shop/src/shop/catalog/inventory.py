"""Stock levels and reservations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shop.domain.product import Product

if TYPE_CHECKING:
    from shop.data.repositories.products import ProductRepository


class OutOfStock(Exception):
    def __init__(self, sku: str, wanted: int, available: int) -> None:
        super().__init__(f"{sku}: {wanted} wanted, {available} available")
        self.sku = sku
        self.wanted = wanted
        self.available = available


@dataclass(frozen=True)
class StockLevel:
    sku: str
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)


def _repository() -> ProductRepository:
    # Imported here, not at the top: the repository imports StockLevel from this module,
    # and a top-level import would be circular.
    from shop.data.repositories.products import ProductRepository

    return ProductRepository()


def find_products(terms: list[str], limit: int) -> list[Product]:
    return _repository().search(terms, limit)


def stock_levels(skus: list[str]) -> dict[str, StockLevel]:
    return {level.sku: level for level in _repository().stock_levels(skus)}


def reserve(sku: str, quantity: int) -> None:
    level = stock_levels([sku]).get(sku, StockLevel(sku, 0, 0))
    if level.available < quantity:
        raise OutOfStock(sku, quantity, level.available)
    _repository().reserve_stock(sku, quantity)
