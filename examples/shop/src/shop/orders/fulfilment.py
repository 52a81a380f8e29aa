"""Turn a paid order into a shipment."""

from __future__ import annotations

# planted: one bounded context imports another (bounded-contexts)
from shop.catalog.inventory import reserve
from shop.domain.order import Order, OrderStatus
from shop.orders.models import Parcel, Shipment

ITEMS_PER_PARCEL = 10


def pack(order: Order, per_parcel: int = ITEMS_PER_PARCEL) -> list[Parcel]:
    parcels: list[Parcel] = []
    skus: list[str] = []
    items = 0
    for line in order.lines:
        if items and items + line.quantity > per_parcel:
            parcels.append(Parcel(tuple(skus), items))
            skus, items = [], 0
        skus.append(line.sku)
        items += line.quantity
    if items:
        parcels.append(Parcel(tuple(skus), items))
    return parcels


def schedule_shipment(order: Order, carrier: str = "dhl") -> Shipment:
    if order.status is not OrderStatus.PAID:
        raise ValueError(f"order {order.id} is {order.status.value}; only paid orders ship")
    for line in order.lines:
        reserve(line.sku, line.quantity)
    return Shipment(order_id=order.id, carrier=carrier, parcels=pack(order))
