"""Products and their stock, stored in ``products`` and ``stock``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# planted: closes a cycle, catalog.inventory imports this module (no-cycles)
from shop.catalog.inventory import StockLevel
from shop.data.db import using
from shop.domain.money import Money
from shop.domain.product import Product

COLUMNS = "sku, name, net_price, currency, tax_category, active"


class ProductRepository:
    def __init__(self, session: Session | None = None) -> None:
        self._session = session

    def by_skus(self, skus: list[str]) -> list[Product]:
        with using(self._session) as session:
            rows = session.execute(
                text(f"SELECT {COLUMNS} FROM products WHERE sku = ANY(:skus)"),
                {"skus": skus},
            ).all()
        return [_product(row) for row in rows]

    def search(self, terms: list[str], limit: int) -> list[Product]:
        pattern = "%" + "%".join(terms) + "%"
        with using(self._session) as session:
            rows = session.execute(
                text(
                    f"SELECT {COLUMNS} FROM products WHERE active AND name ILIKE :pattern "
                    "ORDER BY name LIMIT :limit"
                ),
                {"pattern": pattern, "limit": limit},
            ).all()
        return [_product(row) for row in rows]

    def stock_levels(self, skus: list[str]) -> list[StockLevel]:
        with using(self._session) as session:
            rows = session.execute(
                text("SELECT sku, on_hand, reserved FROM stock WHERE sku = ANY(:skus)"),
                {"skus": skus},
            ).all()
        return [StockLevel(row.sku, row.on_hand, row.reserved) for row in rows]

    def reserve_stock(self, sku: str, quantity: int) -> None:
        with using(self._session) as session:
            session.execute(
                text("UPDATE stock SET reserved = reserved + :quantity WHERE sku = :sku"),
                {"quantity": quantity, "sku": sku},
            )


def _product(row: Any) -> Product:
    return Product(
        sku=row.sku,
        name=row.name,
        net_price=Money(Decimal(row.net_price), row.currency),
        tax_category=row.tax_category,
        active=row.active,
    )
