"""The receipt a customer sees once an order is paid."""

from __future__ import annotations

import attrs

from shop.domain.order import Order

# planted: reaches shop.services through an unlayered helper (clean-architecture, indirect)
from shop.utils.formatting import format_money


@attrs.frozen
class Receipt:
    order_id: str
    lines: tuple[str, ...]
    total: str

    @classmethod
    def for_order(cls, order: Order) -> Receipt:
        lines = tuple(
            f"{line.quantity} x {line.sku:<12} {format_money(line.total):>12}"
            for line in order.lines
        )
        return cls(order.id, lines, format_money(order.total))

    def as_text(self) -> str:
        body = "\n".join(self.lines)
        return f"Order {self.order_id}\n{body}\nTotal (incl. VAT): {self.total}\n"
