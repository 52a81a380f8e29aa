"""Checkout: turn a cart into a paid order."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from shop.billing.api import charge
from shop.data.repositories.customers import CustomerRepository
from shop.data.repositories.orders import OrderRepository
from shop.data.repositories.products import ProductRepository
from shop.orders.fulfilment import schedule_shipment

from ..domain.events import OrderPlaced
from ..domain.order import Order, OrderLine
from ..domain.product import Product
from .notifications import notify_team
from .pricing import PriceList

if TYPE_CHECKING:
    from ..domain.cart import Cart


def products_for(skus: list[str]) -> dict[str, Product]:
    return {product.sku: product for product in ProductRepository().by_skus(skus)}


def find_order(order_id: str) -> Order | None:
    return OrderRepository().get(order_id)


def place_order(cart: Cart, payment_token: str) -> Order:
    customer = CustomerRepository().get(cart.customer_id)
    prices = PriceList.for_customer(customer)
    lines = [OrderLine(i.product.sku, i.quantity, prices.price_of(i.product)) for i in cart.items]
    order = Order(id=uuid.uuid4().hex, customer_id=customer.id, lines=lines)
    # planted: a service opens a transaction itself (pure-core, internal target)
    from shop.data.db import transaction

    with transaction() as session:
        orders = OrderRepository(session)
        orders.add(order)
        charge(order, payment_token)
        order.mark_paid()
        orders.update_status(order)
    schedule_shipment(order)
    notify_team(OrderPlaced.from_order(order))
    return order
