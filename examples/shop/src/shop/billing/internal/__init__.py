"""Billing's private parts. Outside shop.billing, use shop.billing.api instead."""
