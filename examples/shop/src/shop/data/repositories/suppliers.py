"""Suppliers, stored in the ``suppliers`` table."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from shop.data.db import using


class SupplierRepository:
    def __init__(self, session: Session | None = None) -> None:
        self._session = session

    # planted: a camelCase method name in a repository (repository-naming, functions)
    def findByCountry(self, country: str) -> list[str]:
        with using(self._session) as session:
            rows = session.execute(
                text("SELECT name FROM suppliers WHERE country = :country ORDER BY name"),
                {"country": country},
            ).all()
        return [row.name for row in rows]


# planted: a second class in a repository module, not a *Repository (repository-naming)
class SupplierCache:
    def __init__(self) -> None:
        self._by_country: dict[str, list[str]] = {}

    def get(self, country: str) -> list[str] | None:
        return self._by_country.get(country)
