"""Reading big JSON arrays off the wire: streamed, element by element, and — on a re-sync — without
decoding the elements that did not change.

* :func:`stream_json_array` GETs an array through an :class:`HttpService` and yields
  ``(value, element text)`` while the body arrives (a 270 MB movie list never sits in memory whole;
  a reader thread overlaps the socket with decoding).
* :class:`Predictor`: the previous sync stored each element's position, length and digest. When the
  next ``length`` characters at the current element start hash to the digest expected there, they
  *are* that element (a JSON value is prefix-free, and identical text is an identical value), so it
  is yielded as :class:`Known` without decoding. Anything else — a changed, new, moved or unknown
  element — is decoded as usual and the prediction re-synchronises on its id. Decoding dominates
  the cost of a re-sync, so an unchanged library is read several times faster.
"""

from __future__ import annotations

import codecs
import json
import queue
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import httpx
import xxhash

from curatarr.connectors.errors import BadResponse, Unreachable
from curatarr.connectors.http import HttpService

_DECODER = json.JSONDecoder()
_WS = " \t\r\n"


def digest(*parts: str) -> str:
    """Change-detection digest (32 hex) of a source's own representation of an item.

    XXH3-128: a re-sync hashes every element of every listing (≈370 MB of JSON for 140k items), and
    XXH3 does that several times faster than SHA-1; change detection needs no cryptographic hash."""
    return xxhash.xxh3_128_hexdigest("\x00".join(parts).encode("utf-8", "surrogatepass"))


@dataclass(frozen=True, slots=True)
class Known:
    """An element recognised by its text alone (not decoded)."""

    key: str      # the id the predictor knows it by (a media id)
    digest: str


@dataclass(frozen=True, slots=True)
class Expected:
    key: str
    length: int
    digest: str


class Predictor:
    """Expects the elements of the previous response in their previous order (see module doc)."""

    def __init__(self, expected: list[Expected], digest_of: Callable[[str, str], str],
                 key_of: Callable[[Any], str | None]):
        self.expected = expected
        self.index = {e.key: k for k, e in enumerate(expected)}
        self.k = 0
        self.digest_of = digest_of   # (key, element text) -> digest, as the source computes it
        self.key_of = key_of         # decoded element -> key
        self.hits = 0

    def candidate(self) -> Expected | None:
        return self.expected[self.k] if self.k < len(self.expected) else None

    def accept(self, cand: Expected, text: str) -> Known | None:
        value = self.digest_of(cand.key, text)
        if value != cand.digest:
            return None
        self.k += 1
        self.hits += 1
        return Known(cand.key, value)

    def decoded(self, value: Any) -> None:
        k = self.index.get(self.key_of(value)) if isinstance(value, dict) else None
        if k is not None:
            self.k = k + 1


def iter_json_array(text: str) -> Iterator[tuple[Any, str]]:
    """Decode a whole JSON array text element by element → (value, the element's own text)."""
    stream = ArrayStream()
    yield from stream.feed(text, final=True)
    stream.close()


class ArrayStream:
    """Incremental decoder of a JSON array fed in text chunks: yields (value, element text) as soon as
    each element is complete, keeping only the unfinished tail in memory. With a ``predictor``,
    expected unchanged elements come out as (:class:`Known`, text) without being decoded."""

    def __init__(self, predictor: Predictor | None = None) -> None:
        self.buf = ""
        self.started = False
        self.done = False
        self.after_element = False   # a "," or "]" must come next
        self.after_comma = False     # an element must come next
        self.predictor = predictor

    def feed(self, chunk: str, *, final: bool = False) -> Iterator[tuple[Any, str]]:
        buf = self.buf + chunk if self.buf else chunk
        i, n = 0, len(buf)
        predictor = self.predictor
        while i < n and not self.done:
            while i < n and buf[i] in _WS:
                i += 1
            if i >= n:
                break
            ch = buf[i]
            if not self.started:
                if ch != "[":
                    raise BadResponse("expected a JSON array")
                self.started, i = True, i + 1
                continue
            if self.after_element:
                if ch == ",":
                    self.after_element, self.after_comma, i = False, True, i + 1
                elif ch == "]":
                    self.done, i = True, i + 1
                else:
                    raise BadResponse("malformed JSON array")
                continue
            if ch == "]" and not self.after_comma:
                self.done, i = True, i + 1
                continue
            if predictor is not None and (cand := predictor.candidate()) is not None:
                end = i + cand.length
                if end > n and not final:
                    break  # the expected element is not complete yet: wait for more text
                if end <= n and buf[end - 1] in "}]" and (known := predictor.accept(cand, buf[i:end])):
                    yield known, buf[i:end]
                    self.after_element, self.after_comma, i = True, False, end
                    continue
            try:
                value, end = _DECODER.raw_decode(buf, i)
            except json.JSONDecodeError:
                if final:
                    raise BadResponse("malformed JSON array") from None
                break  # the element continues in the next chunk (or is malformed: see close())
            if end >= n and not final and not isinstance(value, (dict, list, str)):
                break  # a number or literal at the very end may continue in the next chunk
            if predictor is not None:
                predictor.decoded(value)
            yield value, buf[i:end]
            self.after_element, self.after_comma, i = True, False, end
        self.buf = buf[i:] if not self.done else ""

    def close(self) -> None:
        if not self.done:
            raise BadResponse("malformed or truncated JSON array")


def _read_ahead(chunks: Iterator[bytes], depth: int = 32) -> Iterator[bytes]:
    """Iterate ``chunks`` from a reader thread, so waiting on the socket overlaps decoding."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def reader() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        q.put(chunk, timeout=0.2)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put(done)
        except BaseException as exc:  # handed to the consumer, which raises it
            q.put(exc)

    thread = threading.Thread(target=reader, name="library-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


def stream_json_array(http: HttpService, path: str, params: dict | None = None, *,
                      predictor: Predictor | None = None) -> Iterator[tuple[Any, str]]:
    """GET a (possibly huge) JSON array and decode it while it arrives. Error answers and failures
    before the first element take the service's normal request path (status mapping, retries); a
    failure mid-stream raises Unreachable."""
    url = http.url(path)
    headers = {**http.headers, "Accept": "application/json"}
    merged = {**http.params, **(params or {})} or None
    yielded = False
    try:
        with http.client.stream("GET", url, params=merged, headers=headers) as resp:
            if resp.status_code < 300:
                stream = ArrayStream(predictor)
                text = codecs.getincrementaldecoder("utf-8")("replace")
                # iter_bytes: decompressed (the *arr may gzip), as it arrives.
                for raw in _read_ahead(resp.iter_bytes()):
                    for item in stream.feed(text.decode(raw)):
                        yielded = True
                        yield item
                yield from stream.feed(text.decode(b"", final=True), final=True)
                stream.close()
                return
    except (httpx.TimeoutException, httpx.TransportError) as exc:
        if yielded:
            raise Unreachable(f"connection lost while reading ({exc.__class__.__name__})",
                              service=http.service) from None
    resp = http.request("GET", path, params=params, headers={"Accept": "application/json"})
    stream = ArrayStream(predictor)
    yield from stream.feed(resp.content.decode("utf-8", "replace"), final=True)
    stream.close()
