"""Storefront endpoints."""

from __future__ import annotations

from shop.billing import PaymentDeclined
from shop.catalog.search import search_listings
from shop.domain.cart import Cart
from shop.domain.receipt import Receipt
from shop.services import checkout
from shop.web.forms import CartForm, CheckoutForm, FormError
from shop.web.http import Request, Response, error
from shop.web.serializers import listing_to_dict, order_to_dict

MAX_RESULTS = 50


def search(request: Request) -> Response:
    limit = min(int(request.query.get("limit", "20")), MAX_RESULTS)
    listings = search_listings(request.query.get("q", ""), limit=limit)
    return Response(body={"results": [listing_to_dict(item) for item in listings]})


def place_order(request: Request) -> Response:
    try:
        cart_form = CartForm.parse(request.body)
        checkout_form = CheckoutForm.parse(request.body)
    except FormError as exc:
        return error(400, str(exc))
    products = checkout.products_for(list(cart_form.items))
    unknown = sorted(set(cart_form.items) - products.keys())
    if unknown:
        return error(404, f"unknown products: {', '.join(unknown)}")
    cart = Cart.from_form(cart_form, products)
    try:
        order = checkout.place_order(cart, checkout_form.payment_token)
    except PaymentDeclined as exc:
        return error(402, exc.reason)
    return Response(201, order_to_dict(order))


def receipt(request: Request) -> Response:
    order = checkout.find_order(request.query.get("order", ""))
    if order is None:
        return error(404, "no such order")
    return Response(200, Receipt.for_order(order).as_text(), content_type="text/plain")
