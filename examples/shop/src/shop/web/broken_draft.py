"""Refund endpoint for the support team (work in progress)."""

from __future__ import annotations

# planted: reaches into billing internals (billing-api) in a file that does not parse yet
from shop.billing.internal.gateway import PaymentGateway
from shop.web.forms import FormError, RefundForm
from shop.web.http import Request, Response, error


def refund(request: Request) -> Response:
    try:
        form = RefundForm.parse(request.body)
    except FormError as exc:
        return error(400, str(exc))
    gateway = PaymentGateway.from_settings()
    if form.amount >
