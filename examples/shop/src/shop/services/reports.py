"""Sales figures for the back office."""

from __future__ import annotations

# planted: an exception that cites a superseded ADR (ADR-0004, superseded by ADR-0008)
# archrules: allow[pure-core] ADR-0004 the nightly report reads the warehouse's SQLite export
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shop.domain.money import Money
from shop.settings import settings

QUERY = "SELECT order_id, sku, quantity, line_total FROM order_lines WHERE day = ?"


@dataclass(frozen=True)
class DailySales:
    day: date
    orders: int
    revenue: Money
    top_skus: list[tuple[str, int]]


def daily_sales(day: date, top: int = 5) -> DailySales:
    with sqlite3.connect(settings.warehouse_export) as connection:
        rows = connection.execute(QUERY, (day.isoformat(),)).fetchall()
    revenue = sum((Decimal(row[3]) for row in rows), Decimal(0))
    sold: Counter[str] = Counter()
    for _, sku, quantity, _ in rows:
        sold[sku] += quantity
    return DailySales(
        day=day,
        orders=len({row[0] for row in rows}),
        revenue=Money(revenue, settings.currency),
        top_skus=sold.most_common(top),
    )
