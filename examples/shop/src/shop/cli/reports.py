"""``shop sales`` and ``shop ledger``: reports on the terminal."""

from __future__ import annotations

from datetime import date

# planted: reaches into billing's internals instead of shop.billing.api (billing-api)
from shop.billing.internal.ledger import Ledger
from shop.services.reports import daily_sales
from shop.utils.formatting import format_money


def print_sales(day: date) -> None:
    report = daily_sales(day)
    print(f"Sales on {day:%a %d %b %Y}")
    print(f"  orders   {report.orders:>8}")
    print(f"  revenue  {format_money(report.revenue, with_vat=False):>12}")
    for sku, sold in report.top_skus:
        print(f"  {sku:<12} {sold:>5} sold")


def print_ledger(day: date) -> None:
    entries = Ledger().entries_on(day)
    for entry in entries:
        amount = format_money(entry.amount, with_vat=False)
        when = f"{entry.recorded_at:%H:%M}"
        print(f"{when}  {entry.order_id[:8]}  {entry.payment_id:<24} {amount:>12}")
    print(f"{len(entries)} entries")
