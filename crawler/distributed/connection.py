"""Redis clients for distributed mode, and the one-line failure a run reports when Redis
cannot be used (docs/scale-out.md, "Faults"): never a traceback, never the password."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis

from crawler.run.arguments import fail_unavailable, fail_usage

# A dead or unreachable Redis must fail a run in seconds, not hang it. Blocking commands
# (BLPOP …) on these clients must block for less than SOCKET_TIMEOUT.
CONNECT_TIMEOUT = 3.0
SOCKET_TIMEOUT = 10.0


class RedisUnavailable(Exception):
    """Redis cannot be reached or refuses us; the message is one line, password masked."""


def mask_url(url: str) -> str:
    """``url`` with its password (in the user part or a ``password=`` query) shown as ``***``,
    so it can go into logs and error messages."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        netloc = f"{user}:***@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any(key == "password" for key, _ in pairs):
            query = urlencode([(key, "***" if key == "password" else value) for key, value in pairs], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redis_client(url: str) -> redis.Redis:
    """A client for ``url`` (``redis://``, ``rediss://`` for TLS, ``unix://``) with short
    socket timeouts; it connects on first use."""
    return redis.Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=SOCKET_TIMEOUT)


def check_redis(url: str) -> redis.Redis:
    """A client for ``url`` that has answered a PING; else RedisUnavailable, so a run stops
    with one clear line before it touches anything."""
    try:
        client = redis_client(url)
        client.ping()
    except (redis.RedisError, OSError, ValueError) as error:
        raise RedisUnavailable(f"cannot reach Redis at {mask_url(url)}: {error_text(error, url)}") from None
    return client


def error_text(error: Exception, url: str) -> str:
    """What went wrong, in one line, without the password."""
    password = _password(url)
    if isinstance(error, redis.AuthenticationError):
        if not password:
            text = "authentication required (NOAUTH): the URL gives no password"
        else:
            text = f"authentication failed (WRONGPASS): {error}"
    else:
        # The socket's own words ("Connection refused", "[SSL: …] …") rather than redis-py's
        # wrapper, which repeats the host and port.
        cause = error.__cause__ or error.__context__
        text = (cause.strerror or str(cause)) if isinstance(cause, OSError) else str(error)
    if password:
        text = text.replace(password, "***")
    return " ".join(text.split()) or type(error).__name__


def _password(url: str) -> str:
    """The password ``url`` carries, in its user part or a ``password=`` query ("" if none)."""
    parts = urlsplit(url)
    return parts.password or dict(parse_qsl(parts.query)).get("password", "")


def checked_redis(command: str, settings, missing: str, unreachable_suffix: str = "") -> redis.Redis:
    """A command's Redis, checked before its crawler process logs anything: without
    ``FINEWS_REDIS_URL`` a usage error (``missing`` says why it is needed, exit 2), Redis
    unreachable one line and exit 1 (``unreachable_suffix`` ends it)."""
    url = settings.get("FINEWS_REDIS_URL")
    if not url:
        fail_usage(command, missing)
    try:
        return check_redis(url)
    except RedisUnavailable as exc:
        fail_unavailable(command, f"{exc}{unreachable_suffix}")
