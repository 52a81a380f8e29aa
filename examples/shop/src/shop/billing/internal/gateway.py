"""Client for the payment provider's HTTP API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from shop.domain.money import Money
from shop.settings import settings


class GatewayError(Exception):
    pass


@dataclass(frozen=True)
class PaymentGateway:
    base_url: str
    api_key: str
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> PaymentGateway:
        return cls(settings.payment_api_url, settings.payment_api_key)

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = requests.post(
                self.base_url + path,
                json=payload,
                headers={"Authorization": f"Bearer {self.api_key}"},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise GatewayError(f"{path}: {error}") from error
        if response.status_code >= 400:
            raise GatewayError(f"{path}: HTTP {response.status_code} {response.text[:200]}")
        return dict(response.json())

    def charge(self, amount: Money, token: str, *, reference: str) -> str:
        payload = {"amount": str(amount.amount), "currency": amount.currency}
        data = self._post("/charges", {**payload, "source": token, "reference": reference})
        return str(data["id"])

    def refund(self, payment_id: str, amount: Money) -> str:
        payload = {"amount": str(amount.amount), "currency": amount.currency}
        data = self._post(f"/charges/{payment_id}/refunds", payload)
        return str(data["id"])
