"""Orders and their lines, stored in ``orders`` and ``order_lines``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from shop.data.db import using
from shop.domain.money import Money
from shop.domain.order import Order, OrderLine, OrderStatus

INSERT_ORDER = (
    "INSERT INTO orders (id, customer_id, status, placed_at) "
    "VALUES (:id, :customer_id, :status, :placed_at)"
)
INSERT_LINE = (
    "INSERT INTO order_lines (order_id, sku, quantity, unit_price, currency) "
    "VALUES (:order_id, :sku, :quantity, :unit_price, :currency)"
)
SELECT_LINES = "SELECT sku, quantity, unit_price, currency FROM order_lines WHERE order_id = :id"


class OrderRepository:
    def __init__(self, session: Session | None = None) -> None:
        self._session = session

    def add(self, order: Order) -> None:
        head = {
            "id": order.id,
            "customer_id": order.customer_id,
            "status": order.status.value,
            "placed_at": order.placed_at,
        }
        lines = [
            {
                "order_id": order.id,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": line.unit_price.amount,
                "currency": line.unit_price.currency,
            }
            for line in order.lines
        ]
        with using(self._session) as session:
            session.execute(text(INSERT_ORDER), head)
            session.execute(text(INSERT_LINE), lines)

    def update_status(self, order: Order) -> None:
        with using(self._session) as session:
            session.execute(
                text("UPDATE orders SET status = :status WHERE id = :id"),
                {"status": order.status.value, "id": order.id},
            )

    def get(self, order_id: str) -> Order | None:
        with using(self._session) as session:
            head = session.execute(
                text("SELECT id, customer_id, status, placed_at FROM orders WHERE id = :id"),
                {"id": order_id},
            ).one_or_none()
            if head is None:
                return None
            lines = session.execute(text(SELECT_LINES), {"id": order_id}).all()
        return _order(head, lines)

    def placed_on(self, day: date) -> list[Order]:
        with using(self._session) as session:
            ids = (
                session.execute(
                    text("SELECT id FROM orders WHERE placed_at::date = :day ORDER BY placed_at"),
                    {"day": day},
                )
                .scalars()
                .all()
            )
        return [order for order_id in ids if (order := self.get(order_id)) is not None]


def _order(head: Any, lines: Sequence[Any]) -> Order:
    return Order(
        id=head.id,
        customer_id=head.customer_id,
        status=OrderStatus(head.status),
        placed_at=head.placed_at,
        lines=[
            OrderLine(row.sku, row.quantity, Money(Decimal(row.unit_price), row.currency))
            for row in lines
        ],
    )
