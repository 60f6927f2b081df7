"""The connection to the outgoing SMTP server that `TICKETING_SMTP_URL` names:
`smtp://host:port` (plain), `smtp://user:password@host:port` (AUTH), `?starttls=true`
(STARTTLS before AUTH), `smtps://` (TLS from the first byte, port 465 by default). TLS
always verifies the server's certificate against the system's trust store."""

from __future__ import annotations

import smtplib
import ssl
from urllib.parse import parse_qs, unquote, urlsplit


def connect(url: str, timeout: float) -> smtplib.SMTP:
    """A connected (and, when the URL has credentials, logged-in) client; the caller
    closes it (it is a context manager)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"TICKETING_SMTP_URL must start with smtp:// or smtps://, not {url!r}")
    host = parts.hostname or "127.0.0.1"
    starttls = parse_qs(parts.query).get("starttls", ["false"])[-1].lower() in ("1", "true", "yes")
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if parts.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
    try:
        if starttls:
            smtp.starttls(context=context)
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
    except BaseException:
        smtp.close()
        raise
    return smtp
