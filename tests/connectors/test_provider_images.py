"""Language normalisation and the rate limiter shared by the TMDB, Fanart.tv and TVDB clients."""

from __future__ import annotations

import pytest

from curatarr.connectors.provider_images import RateLimiter, normalize_language, to_iso639_2
from curatarr.connectors.tmdb import include_image_language


@pytest.mark.parametrize("raw,expected", [
    (None, "xx"), ("", "xx"), ("00", "xx"), ("xx", "xx"), ("null", "xx"), ("zxx", "xx"),
    ("en", "en"), ("EN", "en"), ("en-US", "en"), ("pt_BR", "pt"),
    ("eng", "en"), ("deu", "de"), ("ger", "de"), ("fra", "fr"), ("jpn", "ja"), ("zho", "zh"), ("heb", "he"),
    ("tlh", "tlh"),  # unknown 3-letter code stays as is
])
def test_normalize_language(raw, expected):
    assert normalize_language(raw) == expected


@pytest.mark.parametrize("code,expected", [("en", "eng"), ("de", "deu"), ("fr", "fra"), ("xx", None),
                                           ("eng", "eng"), ("q1", None)])
def test_to_iso639_2(code, expected):
    assert to_iso639_2(code) == expected


def test_include_image_language_asks_for_both_textless_spellings():
    assert include_image_language(["xx", "en", "de", "en"]) == "xx,null,en,de"
    assert include_image_language(None) is None
    assert include_image_language(["00"]) == "xx,null"


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_rate_limiter_allows_a_burst_then_spaces_requests():
    clock = FakeClock()
    limiter = RateLimiter(4.0, burst=2, clock=clock, sleep=clock.sleep)
    waits = [limiter.acquire() for _ in range(4)]
    assert waits[:2] == [0.0, 0.0]
    assert waits[2] == pytest.approx(0.25) and waits[3] == pytest.approx(0.25)
    clock.now += 10  # idle time refills the bucket up to the burst size only
    assert [limiter.acquire() for _ in range(3)] == [0.0, 0.0, pytest.approx(0.25)]


def test_rate_limiter_disabled():
    limiter = RateLimiter(None, sleep=lambda s: pytest.fail("must not sleep"))
    assert all(limiter.acquire() == 0.0 for _ in range(100))
