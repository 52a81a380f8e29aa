"""The shop's core model: money, products, carts, orders, customers.

Plain Python and attrs only (ADR-0003): nothing in here knows about HTTP, SQL or the
terminal. The services (``shop.services``) put these objects to work.
"""
