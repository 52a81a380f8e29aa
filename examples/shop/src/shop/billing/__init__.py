"""The billing context: charges, refunds and invoices.

Import from here or from ``shop.billing.api``; ``shop.billing.internal`` is private
(ADR-0005).
"""

from shop.billing.api import Invoice, PaymentDeclined, charge, refund

__all__ = ["Invoice", "PaymentDeclined", "charge", "refund"]
