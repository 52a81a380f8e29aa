"""Customers, stored in the ``customers`` table."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from shop.data.db import using
from shop.domain.customer import Customer, Tier


class CustomerRepository:
    def __init__(self, session: Session | None = None) -> None:
        self._session = session

    def get(self, customer_id: str) -> Customer:
        with using(self._session) as session:
            row = session.execute(
                text("SELECT id, email, name, tier FROM customers WHERE id = :id"),
                {"id": customer_id},
            ).one_or_none()
        if row is None:
            raise LookupError(f"no customer {customer_id}")
        return Customer(id=row.id, email=row.email, name=row.name, tier=Tier(row.tier))

    def set_tier(self, customer_id: str, tier: Tier) -> None:
        with using(self._session) as session:
            session.execute(
                text("UPDATE customers SET tier = :tier WHERE id = :id"),
                {"tier": tier.value, "id": customer_id},
            )
