"""Parsing and validating what the storefront posts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any


class FormError(ValueError):
    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


def required(data: Mapping[str, Any], name: str) -> str:
    value = str(data.get(name) or "").strip()
    if not value:
        raise FormError(name, "is required")
    return value


@dataclass(frozen=True)
class CartForm:
    customer_id: str
    items: dict[str, int]

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> CartForm:
        items: dict[str, int] = {}
        for sku, quantity in dict(data.get("items") or {}).items():
            if not str(quantity).isdigit() or int(quantity) == 0:
                raise FormError("items", f"{sku}: quantity must be a positive whole number")
            items[str(sku)] = int(quantity)
        if not items:
            raise FormError("items", "the cart is empty")
        return cls(required(data, "customer_id"), items)

    def quantities(self) -> dict[str, int]:
        return dict(self.items)


@dataclass(frozen=True)
class CheckoutForm:
    payment_token: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> CheckoutForm:
        return cls(required(data, "payment_token"))


@dataclass(frozen=True)
class RefundForm:
    order_id: str
    payment_id: str
    amount: Decimal
    reason: str

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> RefundForm:
        try:
            amount = Decimal(required(data, "amount"))
        except InvalidOperation as exc:
            raise FormError("amount", "is not a number") from exc
        if amount <= 0:
            raise FormError("amount", "must be positive")
        return cls(
            required(data, "order_id"),
            required(data, "payment_id"),
            amount,
            str(data.get("reason") or ""),
        )
