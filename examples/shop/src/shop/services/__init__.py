"""Use cases: what the web pages and the CLI ask the shop to do.

Services coordinate the domain, the repositories and the bounded contexts (ADR-0002,
ADR-0007). They never open a connection themselves (ADR-0003).
"""
