"""Customers and their loyalty tier."""

from __future__ import annotations

import enum

# planted: the domain uses a database driver (pure-core, stdlib target)
import sqlite3
from decimal import Decimal

import attrs


class Tier(enum.Enum):
    STANDARD = "standard"
    SILVER = "silver"
    GOLD = "gold"


DISCOUNTS = {Tier.STANDARD: Decimal(0), Tier.SILVER: Decimal("0.05"), Tier.GOLD: Decimal("0.10")}


@attrs.frozen
class Customer:
    id: str
    email: str
    name: str
    tier: Tier = Tier.STANDARD

    @property
    def discount_rate(self) -> Decimal:
        return DISCOUNTS[self.tier]

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Customer:
        return cls(id=row["id"], email=row["email"], name=row["name"], tier=Tier(row["tier"]))
