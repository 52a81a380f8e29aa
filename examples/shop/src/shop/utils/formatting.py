"""Human-readable money, quantities and dates."""

from __future__ import annotations

from datetime import datetime

from shop.domain.money import Money
from shop.services.pricing import gross

SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$"}


def format_money(money: Money, *, with_vat: bool = True) -> str:
    shown = gross(money) if with_vat else money.rounded()
    symbol = SYMBOLS.get(shown.currency, shown.currency + " ")
    return f"{symbol}{shown.amount:,.2f}"


def format_quantity(quantity: int, unit: str = "item") -> str:
    return f"{quantity} {unit}" if quantity == 1 else f"{quantity} {unit}s"


def format_date(moment: datetime) -> str:
    return moment.strftime("%d %b %Y")
