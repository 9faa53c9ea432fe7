"""The scope harness: every URL of the project, fetched as three personas, must not leak.

How it works: each module's tests declare *canaries* — a function that creates, through the
module's services, records owned by county A whose text carries a unique marker. The harness
then walks every URL pattern of the project (no list to maintain: a new view is covered the
moment it is routed), fills path parameters with the ids and keys of all canary records, adds
``?q=<marker>`` style query strings, and fetches each URL as the county-B clerk and as an
anonymous visitor. Any response that contains the marker — in HTML, JSON, CSV, or inside an
xlsx/docx — is a leak. As a control, the county-A clerk and the city supervisor must see the
marker somewhere, so a harness that never reaches the data cannot pass silently.

Canaries live in ``tests/<app>/canaries.py`` and register with :func:`canary`.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

MARKER = "CANARYA7Q"  # ASCII so it survives any encoding; no word contains it


@dataclass
class Canary:
    """What a canary builder made: its marker must never reach another county."""

    ids: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


CanaryBuilder = Callable[[Any, str], Canary]
_BUILDERS: list[tuple[str, CanaryBuilder]] = []


def canary(name: str) -> Callable[[CanaryBuilder], CanaryBuilder]:
    """Register a builder ``fn(world, marker) -> Canary`` creating county-A records."""

    def register(fn: CanaryBuilder) -> CanaryBuilder:
        if all(existing != name for existing, _ in _BUILDERS):
            _BUILDERS.append((name, fn))
        return fn

    return register


def load_canaries() -> list[tuple[str, CanaryBuilder]]:
    tests_dir = Path(__file__).parent
    for module in pkgutil.iter_modules([str(tests_dir)]):
        if module.ispkg and (tests_dir / module.name / "canaries.py").exists():
            importlib.import_module(f"tests.{module.name}.canaries")
    return list(_BUILDERS)


@dataclass(frozen=True)
class Route:
    pattern: str
    converters: dict[str, str]
    name: str


def routes(urlconf: Any = None) -> list[Route]:
    """Every URL pattern of the project, flattened, with its path converters."""
    found: list[Route] = []

    def walk(patterns: list[Any], prefix: str, converters: dict[str, str]) -> None:
        for entry in patterns:
            pattern = entry.pattern
            text = prefix + str(pattern)
            convs = {**converters, **_converters(pattern)}
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, text, convs)
            elif isinstance(entry, URLPattern):
                found.append(Route(text, convs, entry.name or ""))

    walk(get_resolver(urlconf).url_patterns, "", {})
    return found


def _converters(pattern: Any) -> dict[str, str]:
    result = {}
    for name, converter in getattr(pattern, "converters", {}).items():
        result[name] = type(converter).__name__
    return result


SKIP_PREFIXES = ("static/", "admin/")  # the admin is staff-only and tested on its own


def fill(route: Route, canaries: list[Canary]) -> Iterator[str]:
    """Concrete URLs for a route: one per combination worth trying (bounded)."""
    text = route.pattern
    if text.startswith(SKIP_PREFIXES) or text.startswith("^"):
        return
    params = re.findall(r"<(?:(\w+):)?(\w+)>", text)
    if not params:
        yield "/" + text
        return
    ids = sorted({i for c in canaries for i in c.ids})
    keys = sorted({k for c in canaries for k in c.keys})
    values: dict[str, list[str]] = {}
    for _conv, name in params:
        kind = route.converters.get(name, "StringConverter")
        if kind == "IntConverter":
            values[name] = [str(i) for i in ids] or ["1"]
        elif kind == "PathConverter":
            values[name] = keys or [MARKER]
        else:
            values[name] = [str(i) for i in ids] + keys or [MARKER]
    # Try each value in each position with the others at their first value: enough to reach
    # every canary record through every route, without a combinatorial explosion.
    first = {name: vals[0] for name, vals in values.items()}
    seen: set[str] = set()
    for name, vals in values.items():
        for value in vals:
            chosen = {**first, name: value}
            url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", _substitute(chosen), text)
            if url not in seen:
                seen.add(url)
                yield url


def _substitute(chosen: dict[str, str]) -> Callable[[re.Match[str]], str]:
    return lambda match: chosen[match.group(1)]


QUERIES = ("", f"?q={MARKER}", f"?format=xlsx&q={MARKER}", "?format=xlsx", "?format=json")


def body_text(response: Any) -> str:
    """Everything a person could read in a response, office files unzipped."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    kind = response.get("Content-Type", "")
    if content[:2] == b"PK" or "openxmlformats" in kind:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return "\n".join(
                    archive.read(n).decode("utf-8", "replace")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", "replace")


def _without_echo(text: str) -> str:
    """Drop the places where a page merely repeats the query it was given."""
    for echo in (f'value="{MARKER}"', f"q={MARKER}", f"“{MARKER}”"):
        text = text.replace(echo, "")
    return text


@dataclass
class Finding:
    persona: str
    url: str
    status: int


def sweep(
    clients: dict[str, Client], canaries: list[Canary], urlconf: Any = None
) -> dict[str, list[Finding]]:
    """Fetch every route as every persona; return, per persona, the URLs showing the marker."""
    seen: dict[str, list[Finding]] = {name: [] for name in clients}
    for route in routes(urlconf):
        parametrised = "<" in route.pattern
        for url in fill(route, canaries):
            # A detail URL is reached by its id; searching and exporting are for lists.
            for query in QUERIES[:1] + QUERIES[3:4] if parametrised else QUERIES:
                for persona, client in clients.items():
                    response = client.get(url + query, follow=False)
                    if response.status_code == 200 and MARKER in _without_echo(body_text(response)):
                        seen[persona].append(Finding(persona, url + query, response.status_code))
    return seen
