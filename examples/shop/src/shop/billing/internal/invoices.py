"""Invoices: numbered, with the VAT shown separately."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shop.domain.money import Money
from shop.domain.order import Order
from shop.settings import settings


@dataclass(frozen=True)
class Invoice:
    number: str
    order_id: str
    payment_id: str
    net: Money
    vat: Money
    issued_on: date

    @property
    def gross(self) -> Money:
        return self.net + self.vat


def invoice_number(order: Order, issued_on: date) -> str:
    return f"INV-{issued_on:%Y%m}-{order.id[:8].upper()}"


def issue_invoice(order: Order, payment_id: str, issued_on: date | None = None) -> Invoice:
    day = issued_on or date.today()
    net = order.total.rounded()
    return Invoice(
        number=invoice_number(order, day),
        order_id=order.id,
        payment_id=payment_id,
        net=net,
        vat=(net * settings.vat_rate).rounded(),
        issued_on=day,
    )
