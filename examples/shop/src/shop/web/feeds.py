"""``GET /partners/orders``: the order feed for delivery partners."""

from __future__ import annotations

# planted: the environment read outside shop.settings, through an alias (settings-only)
from os import environ as env
from typing import Any

from shop.domain.order import Order
from shop.utils.formatting import format_date
from shop.web.http import Request, Response, error
from shop.web.serializers import money_to_dict


# planted: a copy of shop.web.serializers.order_to_dict with renamed locals (no-copies)
def order_feed_entry(placed: Order) -> dict[str, Any]:
    return {
        "id": placed.id,
        "customer_id": placed.customer_id,
        "status": placed.status.value,
        "placed_on": format_date(placed.placed_at),
        "lines": [
            {"sku": item.sku, "quantity": item.quantity, "total": money_to_dict(item.total)}
            for item in placed.lines
        ],
        "total": money_to_dict(placed.total),
    }


def partner_feed(request: Request, orders: list[Order]) -> Response:
    if request.query.get("token") != env.get("PARTNER_FEED_TOKEN"):
        return error(403, "bad token")
    return Response(200, [order_feed_entry(order) for order in orders])
