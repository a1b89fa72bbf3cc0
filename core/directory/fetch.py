"""Fetch an Open Referral UK feed from another directory's address, carefully.

Only ``https://`` (plain http too in development and tests), never to a private,
loopback or link-local address in production (checked again after each
redirect), with time limits per request and for the whole fetch, a size limit per
answer and in total, and the profile's paging of ``/services`` followed to the
last page. List items carry one-to-one fields only, so each service's full record
is then fetched from ``/services/{id}`` (a few at a time).
"""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from core.directory.incoming import (
    MAX_SERVICES,
    FeedRefused,
    Found,
    check_items,
    is_index,
    is_list_item,
    is_page,
    raw_items,
    read_json,
)
from core.settings import Settings

MAX_FEED_BYTES = 10_000_000  # one answer (or an uploaded file)
MAX_TOTAL_BYTES = 100_000_000  # everything one import fetches
MAX_PAGES = 200
MAX_REDIRECTS = 3
PER_PAGE = 100
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
WHOLE_FETCH_SECONDS = 600
DETAIL_REQUESTS_AT_ONCE = 4
USER_AGENT = "Carepurse directory import (Open Referral UK)"


def check_url(url: str, settings: Settings) -> str:
    """The address if it may be fetched; ValueError with a plain reason if not."""
    url = url.strip()
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.is_local else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise ValueError("Enter the feed's full address, starting https://")
    if parts.username or parts.password:
        raise ValueError("Enter an address without a user name or password in it")
    if len(url) > 2000:
        raise ValueError("Enter an address of up to 2,000 characters")
    return url


def _allowed(url: str, settings: Settings) -> str:
    try:
        return check_url(url, settings)
    except ValueError as refused:
        raise FeedRefused(f"{url[:200]}: {refused}") from None


async def _check_host(url: str, settings: Settings) -> None:
    """In production, refuse addresses inside our own network (no server-side forgery)."""
    if settings.is_local:
        return
    host = urlsplit(url).hostname or ""
    try:
        answers = await asyncio.get_running_loop().getaddrinfo(host, 443)
    except OSError:
        raise FeedRefused(f"Could not find the server {host}") from None
    for answer in answers:
        address = ipaddress.ip_address(str(answer[4][0]).split("%")[0])
        if not address.is_global:
            raise FeedRefused(f"{host} is not a public internet address")


class _Fetcher:
    def __init__(self, client: httpx.AsyncClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.spent = 0
        self.final_url = ""  # where the last answer came from, after redirects

    async def get(self, url: str) -> Any:
        for _ in range(MAX_REDIRECTS + 1):
            await _check_host(url, self.settings)
            try:
                async with self.client.stream("GET", url) as response:
                    if response.is_redirect and "location" in response.headers:
                        target = str(response.url.join(response.headers["location"]))
                        try:
                            url = check_url(target, self.settings)
                        except ValueError:
                            raise FeedRefused(f"{url} sends us to {target}, not allowed") from None
                        continue
                    if response.status_code != 200:
                        raise FeedRefused(
                            f"{url} answered {response.status_code} {response.reason_phrase}"
                        )
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > MAX_FEED_BYTES:
                        raise FeedRefused(f"{url} is larger than {MAX_FEED_BYTES / 1_000_000:g} MB")
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > MAX_FEED_BYTES:
                            raise FeedRefused(
                                f"{url} is larger than {MAX_FEED_BYTES / 1_000_000:g} MB"
                            )
            except httpx.TimeoutException:
                raise FeedRefused(f"{url} did not answer in time") from None
            except httpx.HTTPError as error:
                raise FeedRefused(f"Could not fetch {url}: {error}") from None
            self.spent += len(body)
            if self.spent > MAX_TOTAL_BYTES:
                raise FeedRefused(f"The feed is larger than {MAX_TOTAL_BYTES / 1_000_000:g} MB")
            self.final_url = url
            return read_json(bytes(body), f"The answer from {url}")
        raise FeedRefused(f"{url} redirects too many times")


def _with_params(url: str, **params: object) -> str:
    return str(httpx.URL(url).copy_merge_params({k: str(v) for k, v in params.items()}))


async def _all_pages(fetcher: _Fetcher, url: str, first: Any) -> list[Any]:
    pages = first.get("total_pages")
    if isinstance(pages, int) and pages > 1 and "per_page" not in httpx.URL(url).params:
        # Fewer, larger pages: start again at page 1 with the size we ask for.
        url = _with_params(url, per_page=PER_PAGE)
        first = await fetcher.get(_with_params(url, page=1))
        if not is_page(first):
            raise FeedRefused(f"{url} is not a page of services")
        pages = first.get("total_pages")
    items = list(first["contents"])
    if not isinstance(pages, int) or pages < 1:
        return items
    if pages > MAX_PAGES:
        raise FeedRefused(f"The feed has {pages} pages; at most {MAX_PAGES} can be imported")
    for page in range(2, pages + 1):
        document = await fetcher.get(_with_params(url, page=page))
        if not is_page(document):
            raise FeedRefused(f"Page {page} of {url} is not a page of services")
        items += document["contents"]
        if document.get("last_page") is True or not document["contents"]:
            break
        if len(items) > MAX_SERVICES:
            raise FeedRefused(f"The feed has more than {MAX_SERVICES:,} services")
    return items


async def _details(fetcher: _Fetcher, services_url: str, items: list[Any]) -> list[Any]:
    """Each list item replaced by its full record from ``/services/{id}``."""
    gate = asyncio.Semaphore(DETAIL_REQUESTS_AT_ONCE)
    base = str(httpx.URL(services_url).copy_with(query=None)).rstrip("/")

    async def full(item: Any) -> Any:
        if not is_list_item(item) or not isinstance(item.get("id"), str | int):
            return item
        async with gate:
            try:
                detail = await fetcher.get(f"{base}/{quote(str(item['id']), safe='')}")
            except FeedRefused:
                return item  # keep what the list said; its one-to-one fields still import
        return detail if isinstance(detail, dict) else item

    return list(await asyncio.gather(*(full(item) for item in items)))


async def fetch_feed(url: str, settings: Settings) -> Found:
    """The services at ``url``: an API's root, its ``/services`` list (all pages), or a file."""
    url = _allowed(url, settings)
    try:
        async with asyncio.timeout(WHOLE_FETCH_SECONDS):
            return await _fetch(url, settings)
    except TimeoutError:
        minutes = WHOLE_FETCH_SECONDS // 60
        raise FeedRefused(f"Fetching the feed took over {minutes} minutes") from None


async def _fetch(url: str, settings: Settings) -> Found:
    async with httpx.AsyncClient(
        timeout=TIMEOUT,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    ) as client:
        fetcher = _Fetcher(client, settings)
        document = await fetcher.get(url)
        url = fetcher.final_url
        if is_index(document):  # the API's root: its services are at /services
            url = str(document.get("services_url") or url.rstrip("/") + "/services")
            document = await fetcher.get(_allowed(url, settings))
            url = fetcher.final_url
        if not is_page(document):
            return check_items(raw_items(document))
        items = await _all_pages(fetcher, url, document)
        if any(is_list_item(item) for item in items):
            items = await _details(fetcher, url, items)
        return check_items(items)
