"""Reading big JSON arrays off the wire: streamed, element by element, and — with a predictor —
without decoding the elements the caller already knows.

* :func:`stream_json_array` GETs an array through an :class:`HttpService` and yields
  ``(value, element text)`` while the body arrives (a 270 MB movie list never sits in memory whole;
  a reader thread overlaps the socket with decoding).
* An :class:`ElementPredictor` (``curatarr.library.wire.Predictor`` is the one the library sync
  uses) is asked, at each element start, which element it expects and how long its text is; when it
  accepts the text as that element, the stream yields the predictor's token instead of decoding it.
"""

from __future__ import annotations

import codecs
import json
import queue
import threading
from typing import Any, Iterator, Protocol

import httpx

from curatarr.connectors.errors import BadResponse, Unreachable
from curatarr.connectors.http import HttpService

_DECODER = json.JSONDecoder()
_WS = " \t\r\n"


class ExpectedElement(Protocol):
    @property
    def length(self) -> int: ...


class ElementPredictor(Protocol):
    """Expectations about the next element of a streamed array (see the module doc)."""

    def candidate(self) -> ExpectedElement | None:
        """The element expected at the current position, if any."""

    def accept(self, cand: Any, text: str) -> Any | None:
        """A token standing for ``cand`` when ``text`` is its text, else None."""

    def decoded(self, value: Any) -> None:
        """An element was decoded (not predicted): re-synchronise on it."""


def iter_json_array(text: str) -> Iterator[tuple[Any, str]]:
    """Decode a whole JSON array text element by element → (value, the element's own text)."""
    stream = ArrayStream()
    yield from stream.feed(text, final=True)
    stream.close()


class ArrayStream:
    """Incremental decoder of a JSON array fed in text chunks: yields (value, element text) as soon as
    each element is complete, keeping only the unfinished tail in memory. With a ``predictor``,
    expected elements come out as (the predictor's token, text) without being decoded."""

    def __init__(self, predictor: ElementPredictor | None = None) -> None:
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
                      predictor: ElementPredictor | None = None) -> Iterator[tuple[Any, str]]:
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
