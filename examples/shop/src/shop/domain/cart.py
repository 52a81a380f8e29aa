"""A shopping cart: products and quantities before checkout."""

from __future__ import annotations

import attrs

from shop.domain.money import Money
from shop.domain.product import Product

# planted: the domain imports from the web layer (clean-architecture, direct)
from ..web.forms import CartForm


@attrs.define
class CartItem:
    product: Product
    quantity: int

    @property
    def subtotal(self) -> Money:
        return self.product.net_price * self.quantity


@attrs.define
class Cart:
    customer_id: str
    items: list[CartItem] = attrs.field(factory=list)

    def add(self, product: Product, quantity: int = 1) -> None:
        for item in self.items:
            if item.product.sku == product.sku:
                item.quantity += quantity
                return
        self.items.append(CartItem(product, quantity))

    def remove(self, sku: str) -> None:
        self.items = [item for item in self.items if item.product.sku != sku]

    @property
    def net_total(self) -> Money:
        currency = self.items[0].product.net_price.currency if self.items else "EUR"
        return sum((item.subtotal for item in self.items), Money.zero(currency))

    @classmethod
    def from_form(cls, form: CartForm, products: dict[str, Product]) -> Cart:
        cart = cls(customer_id=form.customer_id)
        for sku, quantity in form.quantities().items():
            cart.add(products[sku], quantity)
        return cart
