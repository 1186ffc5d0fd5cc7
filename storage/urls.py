"""URL identity: the canonical key an article is stored under (DESIGN §4 rule 1).

The key is an identity, never fetched: stripping tracking parameters and sorting the query
makes every variant of an article's address collapse onto one row, while the URLs actually seen
are kept as aliases.

Two addresses share a key only when they name the same resource; merging two that do not
loses an article (the second is never fetched, and `show` of it returns the first). So the
path and query are normalised exactly as far as RFC 3986 §6.2.2 allows and no further:
escapes of unreserved characters are decoded, every other escape is kept (reserved
characters, Latin-1 bytes, invalid UTF-8), characters that may not appear raw are encoded,
and dot segments are removed after the decoding (so ``%2E%2E`` is a ``..`` segment, as
§2.3 and browsers have it).
"""

from __future__ import annotations

import ipaddress
import re
from functools import cache
from urllib.parse import unquote, urlsplit

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

    Lowercase scheme and host, default port dropped, fragment dropped, percent-escapes and
    dot segments normalised (RFC 3986 §6.2.2), tracking parameters dropped, the remaining
    query parameters sorted by name.
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
    # As browsers and Scrapy send it (the WHATWG URL standard): in an http(s) URL a "\" in
    # the path is a "/", and a "'" in the query goes out as "%27". Spellings that make one
    # request cannot be two articles, and a link's key must be the key of its response.
    path = remove_dot_segments(normalise_escapes(parts.path.replace("\\", "/")) or "/")
    query = _normalise_query(parts.query.replace("'", "%27"))
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


# RFC 3986 §2.3: the only characters whose escapes may be decoded without changing the URI.
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# What may stand raw in a path or a query (pchar, "/" and "?"); anything else is encoded.
_ALLOWED_RAW = re.escape("-._~!$&'()*+,;=:@/?")
_ESCAPE_OR_UNSAFE = re.compile(
    rf"%(?P<hex>[0-9A-Fa-f]{{2}})?|(?P<unsafe>[^%A-Za-z0-9{_ALLOWED_RAW}]+)"
)
_DOT_SEGMENTS = frozenset({".", ".."})


def _escaped(match: re.Match[str]) -> str:
    unsafe = match.group("unsafe")
    if unsafe is not None:
        # "surrogatepass": a lone surrogate (from badly decoded text) still gets bytes of
        # its own instead of an error, and no two characters get the same bytes.
        return "".join(f"%{byte:02X}" for byte in unsafe.encode("utf-8", "surrogatepass"))
    digits = match.group("hex")
    if digits is None:  # a "%" that starts no escape stands for itself
        return "%25"
    char = chr(int(digits, 16))
    return char if char in UNRESERVED else f"%{digits.upper()}"


def normalise_escapes(text: str) -> str:
    """Percent-encoding normalisation of a path or query (RFC 3986 §6.2.2.1-2).

    "%7e" -> "~", "%41" -> "A", "%c3%a9" -> "%C3%A9", "é" -> "%C3%A9", " " -> "%20",
    "%" -> "%25"; "%2F", "%3B", "%26", "%E9" and raw "/", ";", "&", "+" stay as they are.
    """
    return _ESCAPE_OR_UNSAFE.sub(_escaped, text)


def remove_dot_segments(path: str) -> str:
    """Resolve "." and ".." segments of an absolute path (RFC 3986 §5.2.4).

    Segment by segment, which for a path starting with "/" gives what the RFC's buffer
    algorithm gives, in linear time: "/a/./b" -> "/a/b", "/a/b/../c" -> "/a/c",
    "/a/b/.." -> "/a/", "/../a" -> "/a". (``urljoin`` resolves them only in a relative
    reference it joins to a base: an absolute URL comes back with its dot segments.)
    """
    segments = path.split("/")
    if _DOT_SEGMENTS.isdisjoint(segments):
        return path
    # segments[0] is "" (the path starts with "/"), the root that ".." never climbs past.
    kept = [segments[0]]
    for segment in segments[1:]:
        if segment == "..":
            if len(kept) > 1:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in _DOT_SEGMENTS:
        kept.append("")  # "/a/." and "/a/b/.." name a directory: "/a/"
    return "/".join(kept)


def _normalise_query(query: str) -> str:
    """The query's fields, escape-normalised, without tracking ones, sorted by name.

    Split on "&" and the first "=" here: a parse_qsl and urlencode round trip merges "%2F"
    with "/", "+" with "%20", "%E9" with "%E8", a value's "=" with "%3D", "a" with "a=".
    Fields are kept as written ("+" is not a space: that is the form encoding's reading,
    not the URI's); a stable sort keeps repeated names in their order ("id=1&id=2" is not
    "id=2&id=1" to a server that keeps the last one).
    Empty fields ("a=1&&b=2") are separators' leftovers with no meaning: dropped.
    """
    fields = []
    for field in query.split("&"):
        if not field:
            continue
        normalised = normalise_escapes(field)
        name = normalised.partition("=")[0]
        if not is_tracking_param(unquote(name)):
            fields.append((name, normalised))
    fields.sort(key=lambda named: named[0])
    return "&".join(normalised for _, normalised in fields)


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
