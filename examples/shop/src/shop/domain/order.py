"""An order: what a customer bought, at which prices, and where it stands."""

from __future__ import annotations

import enum
from datetime import datetime, timezone

import attrs

from shop.domain.money import Money


class OrderStatus(enum.Enum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class OrderStateError(Exception):
    pass


@attrs.frozen
class OrderLine:
    sku: str
    quantity: int
    unit_price: Money

    @property
    def total(self) -> Money:
        return self.unit_price * self.quantity


def _now() -> datetime:
    return datetime.now(timezone.utc)


@attrs.define
class Order:
    id: str
    customer_id: str
    lines: list[OrderLine]
    status: OrderStatus = OrderStatus.PENDING
    placed_at: datetime = attrs.field(factory=_now)

    @property
    def currency(self) -> str:
        return self.lines[0].unit_price.currency if self.lines else "EUR"

    @property
    def total(self) -> Money:
        return sum((line.total for line in self.lines), Money.zero(self.currency))

    def mark_paid(self) -> None:
        if self.status is not OrderStatus.PENDING:
            raise OrderStateError(f"order {self.id} is {self.status.value}, not pending")
        self.status = OrderStatus.PAID

    def mark_shipped(self) -> None:
        if self.status is not OrderStatus.PAID:
            raise OrderStateError(f"order {self.id} is {self.status.value}, not paid")
        self.status = OrderStatus.SHIPPED

    def cancel(self) -> None:
        if self.status is OrderStatus.SHIPPED:
            raise OrderStateError(f"order {self.id} has already shipped")
        self.status = OrderStatus.CANCELLED
