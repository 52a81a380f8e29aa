"""Domain objects as JSON-ready dictionaries."""

from __future__ import annotations

from typing import Any

from shop.catalog.models import Listing
from shop.domain.money import Money
from shop.domain.order import Order
from shop.utils.formatting import format_date, format_money


def money_to_dict(money: Money) -> dict[str, str]:
    rounded = money.rounded()
    return {
        "amount": str(rounded.amount),
        "currency": rounded.currency,
        "display": format_money(money),
    }


def order_to_dict(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "customer_id": order.customer_id,
        "status": order.status.value,
        "placed_on": format_date(order.placed_at),
        "lines": [
            {"sku": line.sku, "quantity": line.quantity, "total": money_to_dict(line.total)}
            for line in order.lines
        ],
        "total": money_to_dict(order.total),
    }


def listing_to_dict(listing: Listing) -> dict[str, Any]:
    product = listing.product
    return {
        "sku": product.sku,
        "name": product.name,
        "price": money_to_dict(product.net_price),
        "in_stock": listing.in_stock,
        "low_stock": listing.low_stock,
    }
