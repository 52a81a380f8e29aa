"""Runtime settings, read from the environment once.

This is the only module that reads ``os.environ`` (rule ``settings-only``, ADR-0009).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    database_url: str
    payment_api_url: str
    payment_api_key: str
    slack_webhook_url: str | None
    warehouse_export: Path
    vat_rate: Decimal
    currency: str
    debug: bool


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("SHOP_DATABASE_URL", "postgresql+psycopg://localhost/shop"),
        payment_api_url=env.get("SHOP_PAYMENT_API_URL", "https://api.payments.example/v2"),
        payment_api_key=env.get("SHOP_PAYMENT_API_KEY", ""),
        slack_webhook_url=env.get("SHOP_SLACK_WEBHOOK_URL") or None,
        warehouse_export=Path(env.get("SHOP_WAREHOUSE_EXPORT", "/var/lib/shop/warehouse.db")),
        vat_rate=Decimal(env.get("SHOP_VAT_RATE", "0.20")),
        currency=env.get("SHOP_CURRENCY", "EUR"),
        debug=_flag("SHOP_DEBUG"),
    )


settings = load()
