"""Refunds: how much of an order goes back to the customer, and why."""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal

from shop.domain.money import Money
from shop.domain.order import Order, OrderStatus


@dataclass(frozen=True)
class RefundPlan:
    order_id: str
    amount: Money
    restock: list[tuple[str, int]]
    reasons: list[str]


# planted: a function longer than 40 lines (small-units)
def plan_refund(order: Order, returned: dict[str, int], days_since_delivery: int) -> RefundPlan:
    """Work out the refund for the returned quantities of an order."""
    reasons: list[str] = []
    restock: list[tuple[str, int]] = []
    total = Decimal(0)
    if order.status is OrderStatus.CANCELLED:
        reasons.append("order already cancelled: nothing to refund")
        return RefundPlan(order.id, Money(Decimal(0), order.total.currency), [], reasons)
    if order.status is OrderStatus.PENDING:
        reasons.append("order not paid yet: cancel it instead")
        return RefundPlan(order.id, Money(Decimal(0), order.total.currency), [], reasons)
    for line in order.lines:
        quantity = returned.get(line.sku, 0)
        if quantity <= 0:
            continue
        if quantity > line.quantity:
            reasons.append(f"{line.sku}: {quantity} returned, only {line.quantity} bought")
            quantity = line.quantity
        share = line.unit_price.amount * quantity
        if days_since_delivery > 30:
            reasons.append(f"{line.sku}: returned after 30 days, refunded at 50%")
            share = share / 2
        elif days_since_delivery > 14:
            reasons.append(f"{line.sku}: returned after 14 days, refunded at 80%")
            share = share * Decimal("0.8")
        else:
            reasons.append(f"{line.sku}: refunded in full")
        total += share
        if days_since_delivery <= 30:
            restock.append((line.sku, quantity))
        else:
            reasons.append(f"{line.sku}: not restocked (too old)")
    if not restock:
        reasons.append("nothing goes back to stock")
    if total > order.total.amount:
        reasons.append("capped at the order total")
        total = order.total.amount
    if total == 0:
        reasons.append("nothing to refund")
    # planted: a leftover debugging print outside the CLI (settings-only)
    print(f"refund for {order.id}: {total}")
    amount = Money(total.quantize(Decimal("0.01")), order.total.currency)
    return RefundPlan(order.id, amount, restock, reasons)


def refund_window_days() -> int:
    # the warehouse's test rig runs this module without shop.settings
    return int(os.getenv("REFUND_WINDOW_DAYS", "30"))  # archrules: allow[settings-only] ADR-0009
