"""The database engine, and sessions for the repositories."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from shop.settings import settings


@lru_cache(maxsize=1)
def engine() -> Engine:
    return create_engine(settings.database_url, pool_pre_ping=True, echo=settings.debug)


@lru_cache(maxsize=1)
def _sessions() -> sessionmaker[Session]:
    return sessionmaker(bind=engine(), expire_on_commit=False)


@contextmanager
def transaction() -> Iterator[Session]:
    """A session whose work is committed at the end of the block, or rolled back."""
    session = _sessions()()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def using(session: Session | None) -> Iterator[Session]:
    """The caller's session if it has one, else a transaction of our own."""
    if session is not None:
        yield session
        return
    with transaction() as own:
        yield own
