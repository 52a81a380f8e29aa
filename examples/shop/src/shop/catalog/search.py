"""Catalog search: match product names, prefer what is in stock."""

from __future__ import annotations

import re

from shop.catalog.inventory import find_products, stock_levels
from shop.catalog.models import Listing

WORD = re.compile(r"[a-z0-9]+")


def terms_of(query: str) -> list[str]:
    return WORD.findall(query.lower())


def _score(listing: Listing, terms: list[str]) -> float:
    name = listing.product.name.lower()
    hits = sum(1 for term in terms if term in name)
    return hits + (0.5 if listing.in_stock else 0.0) + (0.25 if name.startswith(terms[0]) else 0.0)


def search_listings(query: str, limit: int = 20) -> list[Listing]:
    terms = terms_of(query)
    if not terms:
        return []
    products = find_products(terms, limit * 2)
    levels = stock_levels([product.sku for product in products])
    listings = [
        Listing(product, levels[product.sku].available if product.sku in levels else 0)
        for product in products
    ]
    ranked = sorted(listings, key=lambda item: _score(item, terms), reverse=True)
    return ranked[:limit]
