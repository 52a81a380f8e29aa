"""Shop: the storefront, order fulfilment and billing of a small online shop."""

__version__ = "2.3.0"
