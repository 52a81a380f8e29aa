"""The billing context's public interface (ADR-0005)."""

from __future__ import annotations

from shop.domain.money import Money
from shop.domain.order import Order

from .internal.gateway import GatewayError, PaymentGateway
from .internal.invoices import Invoice, issue_invoice
from .internal.ledger import Ledger


class PaymentDeclined(Exception):
    def __init__(self, order_id: str, reason: str) -> None:
        super().__init__(f"payment for order {order_id} declined: {reason}")
        self.order_id = order_id
        self.reason = reason


def charge(order: Order, payment_token: str) -> Invoice:
    """Charge the order's total to the customer's payment method and invoice it."""
    gateway = PaymentGateway.from_settings()
    try:
        payment_id = gateway.charge(order.total, payment_token, reference=order.id)
    except GatewayError as error:
        raise PaymentDeclined(order.id, str(error)) from error
    Ledger().record(order.id, order.total, payment_id)
    return issue_invoice(order, payment_id)


def refund(order_id: str, payment_id: str, amount: Money) -> None:
    """Give ``amount`` back on the payment that paid for the order."""
    PaymentGateway.from_settings().refund(payment_id, amount)
    Ledger().record(order_id, -amount, payment_id)
