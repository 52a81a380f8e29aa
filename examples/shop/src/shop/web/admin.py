"""Back-office pages: daily sales and payment reconciliation."""

from __future__ import annotations

from datetime import date

# planted: an interface breach with a justified exception citing an accepted ADR (silenced)
# archrules: allow[billing-api] ADR-0005 reconciliation reads the ledger until billing.api can
from shop.billing.internal.ledger import Ledger
from shop.services.reports import daily_sales
from shop.web.http import Request, Response, error
from shop.web.serializers import money_to_dict


def _day(request: Request) -> date | None:
    try:
        return date.fromisoformat(request.query.get("day", date.today().isoformat()))
    except ValueError:
        return None


def sales(request: Request) -> Response:
    day = _day(request)
    if day is None:
        return error(400, "day must be YYYY-MM-DD")
    report = daily_sales(day)
    return Response(
        body={
            "day": day.isoformat(),
            "orders": report.orders,
            "revenue": money_to_dict(report.revenue),
            "top": [{"sku": sku, "sold": count} for sku, count in report.top_skus],
        }
    )


def reconciliation(request: Request) -> Response:
    day = _day(request)
    if day is None:
        return error(400, "day must be YYYY-MM-DD")
    report = daily_sales(day)
    paid = Ledger().balance_on(day, report.revenue.currency)
    gap = report.revenue - paid
    return Response(
        body={
            "day": day.isoformat(),
            "sold": money_to_dict(report.revenue),
            "paid": money_to_dict(paid),
            "difference": money_to_dict(gap),
        }
    )
