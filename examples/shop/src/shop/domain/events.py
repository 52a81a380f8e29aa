"""Domain events: what happened to an order, for whoever needs to know."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

# planted: a third-party package the domain may not use (domain-dependencies)
from pydantic import BaseModel, Field

from shop.domain.order import Order


def _now() -> datetime:
    return datetime.now(timezone.utc)


class OrderPlaced(BaseModel):
    order_id: str
    customer_id: str
    total: Decimal
    currency: str
    occurred_at: datetime = Field(default_factory=_now)

    @classmethod
    def from_order(cls, order: Order) -> OrderPlaced:
        total = order.total
        return cls(
            order_id=order.id,
            customer_id=order.customer_id,
            total=total.amount,
            currency=total.currency,
        )


class OrderCancelled(BaseModel):
    order_id: str
    reason: str
    occurred_at: datetime = Field(default_factory=_now)
