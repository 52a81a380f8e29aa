"""The orders context: packing and shipping paid orders.

Independent of billing and catalog (ADR-0007): the services coordinate them.
"""
