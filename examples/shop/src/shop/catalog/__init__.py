"""The catalog context: what we sell, how much of it is in stock, and finding it.

Other contexts do not import it (ADR-0007); the services and the web pages do.
"""
