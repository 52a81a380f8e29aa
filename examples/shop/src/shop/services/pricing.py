"""Prices: VAT, loyalty discounts, price lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shop.domain.customer import Customer
from shop.domain.money import Money

# planted: an exception that silences nothing (unused-exception)
# archrules: allow[clean-architecture] ADR-0002 pricing reads products directly
from shop.domain.product import Product
from shop.settings import settings


def gross(net: Money, vat_rate: Decimal | None = None) -> Money:
    rate = settings.vat_rate if vat_rate is None else vat_rate
    return (net * (1 + rate)).rounded()


@dataclass(frozen=True)
class PriceList:
    name: str
    overrides: dict[str, Money] = field(default_factory=dict)
    discount_rate: Decimal = Decimal(0)

    def price_of(self, product: Product) -> Money:
        base = self.overrides.get(product.sku, product.net_price)
        return (base * (1 - self.discount_rate)).rounded()

    @classmethod
    def for_customer(cls, customer: Customer) -> PriceList:
        return cls(name=f"tier-{customer.tier.value}", discount_rate=customer.discount_rate)
