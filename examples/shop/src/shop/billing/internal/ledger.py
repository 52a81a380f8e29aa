"""The payments ledger: every charge and refund, append-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from shop.data.db import using
from shop.domain.money import Money

INSERT = (
    "INSERT INTO ledger (order_id, payment_id, amount, currency, recorded_at) "
    "VALUES (:order_id, :payment_id, :amount, :currency, :recorded_at)"
)
SELECT_DAY = (
    "SELECT order_id, payment_id, amount, currency, recorded_at FROM ledger "
    "WHERE recorded_at::date = :day ORDER BY recorded_at"
)


@dataclass(frozen=True)
class LedgerEntry:
    order_id: str
    payment_id: str
    amount: Money
    recorded_at: datetime


class Ledger:
    def record(self, order_id: str, amount: Money, payment_id: str) -> None:
        values = {
            "order_id": order_id,
            "payment_id": payment_id,
            "amount": amount.amount,
            "currency": amount.currency,
            "recorded_at": datetime.now(timezone.utc),
        }
        with using(None) as session:
            session.execute(text(INSERT), values)

    def entries_on(self, day: date) -> list[LedgerEntry]:
        with using(None) as session:
            rows = session.execute(text(SELECT_DAY), {"day": day}).all()
        return [_entry(row) for row in rows]

    def balance_on(self, day: date, currency: str) -> Money:
        entries = [e for e in self.entries_on(day) if e.amount.currency == currency]
        return sum((e.amount for e in entries), Money.zero(currency))


def _entry(row: Any) -> LedgerEntry:
    amount = Money(Decimal(row.amount), row.currency)
    return LedgerEntry(row.order_id, row.payment_id, amount, row.recorded_at)
