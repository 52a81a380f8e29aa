"""``shop export``: a day's orders as JSON lines, for the accountants."""

from __future__ import annotations

import json
from datetime import date
from typing import TextIO

from shop.data.repositories.orders import OrderRepository

# planted: the CLI imports its sibling layer, the web layer (clean-architecture, siblings)
from shop.web.serializers import order_to_dict


def export_orders(day: date, out: TextIO) -> int:
    orders = OrderRepository().placed_on(day)
    for order in orders:
        out.write(json.dumps(order_to_dict(order), sort_keys=True) + "\n")
    return len(orders)
