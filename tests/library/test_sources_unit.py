"""Wire-format helpers of the library sources (pure): streamed JSON arrays and digests."""

from __future__ import annotations

import json

import pytest

from curatarr.connectors.errors import BadResponse
from curatarr.library.sources import ArrayStream, digest, iter_json_array

DOC = json.dumps([{"id": 1, "title": "A [b] {c}", "n": [1, 2, {"x": "]"}]}, {"id": 2, "title": "Ünïcode \"q\""},
                  {"id": 3, "alternateTitles": []}], indent=1)


@pytest.mark.parametrize("size", [1, 2, 7, 64, 10_000])
def test_array_stream_yields_each_element_whatever_the_chunking(size):
    stream = ArrayStream()
    out = []
    for i in range(0, len(DOC), size):
        out += list(stream.feed(DOC[i:i + size]))
    stream.close()
    assert [v for v, _ in out] == json.loads(DOC)
    assert [json.loads(text) for _, text in out] == json.loads(DOC)  # the element's own text


def test_in_memory_and_streamed_decoding_agree():
    stream = ArrayStream()
    streamed = list(stream.feed(DOC))
    assert streamed == list(iter_json_array(DOC))


@pytest.mark.parametrize("bad", ['{"id": 1}', '[{"id": 1}, {"id": 2', '[{"id": 1} {"id": 2}]', "[1, oops]"])
def test_malformed_arrays_are_bad_responses(bad):
    with pytest.raises(BadResponse):
        stream = ArrayStream()
        list(stream.feed(bad))
        stream.close()
    with pytest.raises(BadResponse):
        list(iter_json_array(bad))


def test_empty_array_and_digest():
    stream = ArrayStream()
    assert list(stream.feed(" [ ] ")) == [] and stream.done
    assert digest("a", "b") == digest("a", "b") != digest("ab", "")
    assert len(digest("x")) == 32
