"""Products as the rest of the shop sees them: a SKU, a name, a net price."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from shop.domain.money import Money

if TYPE_CHECKING:
    # planted: a type-only import of a service; not reported (type-checking-imports = "ignore")
    from shop.services.pricing import PriceList


@attrs.frozen
class Product:
    sku: str
    name: str
    net_price: Money
    tax_category: str = "standard"
    active: bool = True

    def price_in(self, price_list: PriceList) -> Money:
        return price_list.price_of(self)
