"""Tell the team about orders, in their chat channel."""

from __future__ import annotations

import logging

# planted: a service calls the network directly (pure-core, third-party target)
import requests

from shop.domain.events import OrderPlaced
from shop.settings import settings

log = logging.getLogger(__name__)


def notify_team(event: OrderPlaced) -> None:
    if settings.slack_webhook_url is None:
        return
    text = f"New order {event.order_id}: {event.total} {event.currency}"
    try:
        requests.post(settings.slack_webhook_url, json={"text": text}, timeout=5)
    except requests.RequestException:
        log.warning("could not post order %s to the team channel", event.order_id)
