"""The storefront's HTTP API and the back-office pages (a small WSGI application)."""
