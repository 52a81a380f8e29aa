"""Persistence: PostgreSQL through SQLAlchemy (ADR-0008).

Only ``shop.data.repositories`` is meant for the rest of the shop; ``shop.data.db`` is the
plumbing underneath it.
"""
