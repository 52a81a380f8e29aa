"""Shipments and the parcels they travel in."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ShipmentStatus(enum.Enum):
    SCHEDULED = "scheduled"
    HANDED_OVER = "handed-over"
    DELIVERED = "delivered"
    RETURNED = "returned"


@dataclass(frozen=True)
class Parcel:
    skus: tuple[str, ...]
    items: int


@dataclass
class Shipment:
    order_id: str
    carrier: str
    parcels: list[Parcel] = field(default_factory=list)
    status: ShipmentStatus = ShipmentStatus.SCHEDULED
    tracking_number: str | None = None

    def hand_over(self, tracking_number: str) -> None:
        self.tracking_number = tracking_number
        self.status = ShipmentStatus.HANDED_OVER
