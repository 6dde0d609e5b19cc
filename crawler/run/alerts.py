"""Where an alert goes: the generic webhook and spidermon's own messaging actions.

An incident is decided once per run, after every spider has closed (``crawler.run.health``),
so the alert is sent from there rather than from a spidermon suite, which sees one spider
only. spidermon's Discord, Telegram and Slack actions are reused as they are: built from
their ``SPIDERMON_*`` settings and given the alert's text as their message. Every channel
raises when it cannot deliver, so the alert stays pending for that channel alone.
"""

from __future__ import annotations

import json
import urllib.request
from types import SimpleNamespace
from typing import Any, Callable

from scrapy.utils.misc import load_object

WEBHOOK = "webhook"
WEBHOOK_TIMEOUT = 10
# spidermon actions known to send synchronously; SMTP mail goes through Scrapy's MailSender,
# which needs the reactor that has stopped by the time a run's incidents are known.
KNOWN_ACTIONS = {
    "discord": "spidermon.contrib.actions.discord.SendDiscordMessage",
    "telegram": "spidermon.contrib.actions.telegram.SendTelegramMessage",
    "slack": "spidermon.contrib.actions.slack.SendSlackMessage",
    "ses": "spidermon.contrib.actions.email.ses.SendSESEmail",
}

Channel = Callable[[dict[str, Any]], None]


def post_json(url: str, payload: dict[str, Any]) -> None:
    """One JSON POST; raises on a network error or a non-2xx answer."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
        if not 200 <= response.status < 300:
            raise ValueError(f"HTTP {response.status}")


def alert_text(alert: dict[str, Any]) -> str:
    """One line a person reads in a chat: status, feed, reasons, counts, site."""
    run = alert.get("run", {})
    counts = ", ".join(f"{k} {v}" for k, v in run.get("counts", {}).items())
    reasons = "; ".join(alert.get("reasons", [])) or "all monitors passed"
    site = f" on {alert['site']}" if alert.get("site") else ""
    return f"finews {alert.get('status')}: {alert.get('feed')}{site}: {reasons} ({run.get('time', '')}; {counts})"


def _literal(text: str) -> str:
    """``text`` as a Jinja2 template that renders to itself (spidermon renders messages)."""
    return "{% raw %}" + text.replace("{% endraw %}", "{ % endraw % }") + "{% endraw %}"


def spidermon_channel(path: str, settings) -> Channel:
    """A channel sending through the spidermon action at ``path`` (or a KNOWN_ACTIONS name),
    configured by its own ``SPIDERMON_*`` settings; raises NotConfigured when they are missing."""
    cls = load_object(KNOWN_ACTIONS.get(path, path))
    action = cls(**cls.from_crawler_kwargs(SimpleNamespace(settings=settings)))

    def send(alert: dict[str, Any]) -> None:
        text = _literal(alert_text(alert))
        # Outside a suite there is no monitor result for spidermon's template context.
        action.get_template_context = lambda: {"alert": alert}
        for attribute in ("message", "subject", "body_text"):
            if hasattr(action, attribute):
                setattr(action, attribute, text)
        if hasattr(action, "body_html"):
            action.body_html = action.body_html_template = None
        action.run_action()

    return send


def channels(settings) -> dict[str, Channel]:
    """Every configured channel by name: ``FINEWS_ALERT_WEBHOOK`` and ``FINEWS_ALERT_ACTIONS``."""
    found: dict[str, Channel] = {}
    webhook = settings.get("FINEWS_ALERT_WEBHOOK")
    if webhook:
        found[WEBHOOK] = lambda alert: post_json(webhook, alert)
    for path in settings.getlist("FINEWS_ALERT_ACTIONS"):
        found[path] = spidermon_channel(path, settings)
    return found
