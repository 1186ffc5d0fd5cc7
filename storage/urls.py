"""URL identity: the canonical key an article is stored under (DESIGN §4 rule 1).

The key is an identity, never fetched: stripping tracking parameters and sorting the query
makes every variant of an article's address collapse onto one row, while the URLs actually seen
are kept as aliases.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import tldextract

# Exact parameter names that only say where a reader came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "ocid",
        "cmpid",
        "s_cid",
        "ncid",
        "ref",
        "ref_src",
        "ref_url",
        "__twitter_impression",
        "smid",
        "smtyp",
        "sr_share",
        "cmp",
        # Not tracking, but never a different article: WordPress comment-reply links.
        "replytocom",
    }
)
# Families of tracking parameters, matched by prefix.
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_")

DEFAULT_PORTS = {"http": 80, "https": 443}

# The bundled public-suffix snapshot: no network access, no cache directory.
_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class BadURL(ValueError):
    """Raised for text that is not an absolute http(s) URL."""


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def url_key(url: str) -> str:
    """Return the canonical key of *url*.

    Lowercase scheme and host, default port dropped, fragment dropped, tracking parameters
    dropped, remaining query parameters sorted, path percent-encoding normalised.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", a port out of range...
        raise BadURL(f"not a valid URL: {url!r} ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise BadURL(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _normalise_path(parts.path)
    params = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_param(k)
    ]
    query = urlencode(sorted(params), quote_via=quote)
    return urlunsplit((scheme, netloc, path, query, ""))


def _normalise_path(path: str) -> str:
    # Decode then re-encode so "%7E" and "~" (or "%c3%a9" and "é") give the same key.
    return quote(unquote(path), safe="/:@!$&'()*+,;=-._~") or "/"


@cache
def registrable_domain(host: str) -> str:
    """Return the registrable domain of *host* ("news.example.co.uk" -> "example.co.uk").

    IP addresses and single-label hosts are their own registrable domain.
    """
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return host
    parts = _extract(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def same_site(page_url: str, other: str) -> bool:
    """Whether *other* is a valid http(s) URL on the registrable domain of *page_url*."""
    try:
        url_key(other)
    except BadURL:
        return False
    candidate, page = urlsplit(other.strip()), urlsplit(page_url)
    if candidate.hostname is None or page.hostname is None:
        return False
    return registrable_domain(candidate.hostname) == registrable_domain(page.hostname)


def accept_canonical(page_url: str, canonical: str | None) -> str | None:
    """Return the page's declared canonical URL when it can be trusted, else None.

    Trusted: absolute http(s), on the same registrable domain as the page, and not the site
    root (sites that point every page's canonical at their home page are common).
    """
    if not canonical or not same_site(page_url, canonical):
        return None
    candidate = urlsplit(canonical.strip())
    if candidate.path in ("", "/") and not candidate.query:
        return None
    return canonical.strip()
