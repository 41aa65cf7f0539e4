"""Wire-format reading (pure): streamed JSON arrays, digests, and recognising unchanged elements
without decoding them."""

from __future__ import annotations

import json
import random

import pytest

from curatarr.connectors.errors import BadResponse
from curatarr.connectors.json_stream import ArrayStream, iter_json_array
from curatarr.library.wire import Expected, Known, Predictor, digest

DOC = json.dumps([{"id": 1, "title": "A [b] {c}", "n": [1, 2, {"x": "]"}]}, {"id": 2, "title": "Ünïcode \"q\""},
                  {"id": 3, "alternateTitles": []}], indent=1)


def feed_all(text, size, predictor=None):
    stream = ArrayStream(predictor)
    out = []
    for i in range(0, len(text), size):
        out += list(stream.feed(text[i:i + size]))
    out += list(stream.feed("", final=True))
    stream.close()
    return out


@pytest.mark.parametrize("size", [1, 2, 7, 64, 10_000])
def test_array_stream_yields_each_element_whatever_the_chunking(size):
    out = feed_all(DOC, size)
    assert [v for v, _ in out] == json.loads(DOC)
    assert [json.loads(text) for _, text in out] == json.loads(DOC)  # the element's own text


def test_in_memory_and_streamed_decoding_agree():
    assert feed_all(DOC, 5) == list(iter_json_array(DOC))


@pytest.mark.parametrize("bad", ['{"id": 1}', '[{"id": 1}, {"id": 2', '[{"id": 1} {"id": 2}]', "[1, oops]",
                                 '[{"id": 1},]'])
def test_malformed_arrays_are_bad_responses(bad):
    with pytest.raises(BadResponse):
        feed_all(bad, 3)
    with pytest.raises(BadResponse):
        list(iter_json_array(bad))


def test_empty_array_and_digest():
    assert list(iter_json_array(" [ ] ")) == []
    assert digest("a", "b") == digest("a", "b") != digest("ab", "")
    assert len(digest("x")) == 32


# ---- predictions -------------------------------------------------------------------------------------

def listing(items):
    return "[" + ",".join(json.dumps(i, separators=(",", ":")) for i in items) + "]"


def predictor_for(items):
    texts = [json.dumps(i, separators=(",", ":")) for i in items]
    expected = [Expected(str(i["id"]), len(t), digest(t)) for i, t in zip(items, texts)]
    return Predictor(expected, lambda key, text: digest(text), lambda v: str(v.get("id")))


def items(n, seed=1):
    rnd = random.Random(seed)
    return [{"id": i, "title": f"Movie {i}", "tags": [rnd.randint(1, 9)], "nested": {"x": [{"y": "}"}]}}
            for i in range(1, n + 1)]


@pytest.mark.parametrize("size", [3, 50, 100_000])
def test_unchanged_listing_is_recognised_without_decoding(size):
    old = items(200)
    predictor = predictor_for(old)
    out = feed_all(listing(old), size, predictor)
    assert all(isinstance(v, Known) for v, _ in out) and predictor.hits == 200
    assert [v.key for v, _ in out] == [str(i["id"]) for i in old]
    assert [json.loads(t) for _, t in out] == old


def test_changes_inserts_removals_and_moves_are_decoded_and_resynchronised():
    old = items(100)
    new = [dict(i) for i in old]
    new[10]["title"] = "Changed"                  # changed, same position
    new[20]["title"] = "Changed and longer title"  # changed length
    del new[30]                                   # removed
    new.insert(50, {"id": 999, "title": "New"})   # inserted
    new.append(new.pop(0))                        # moved to the end
    predictor = predictor_for(old)
    out = feed_all(listing(new), 7, predictor)
    assert [json.loads(t) for _, t in out] == new  # every element comes out, in order, intact
    decoded = [v["id"] for v, _ in out if isinstance(v, dict)]
    assert {11, 21, 999}.issubset(decoded) and len(decoded) <= 8
    assert all(v.key == str(json.loads(t)["id"]) for v, t in out if isinstance(v, Known))


def test_a_wrong_prediction_never_swallows_a_different_element():
    old = [{"id": 1, "t": "ab"}, {"id": 2, "t": "cd"}]
    # Same length, different content at the predicted position: must be decoded, not accepted.
    new = [{"id": 1, "t": "xy"}, {"id": 2, "t": "cd"}]
    out = feed_all(listing(new), 4, predictor_for(old))
    assert isinstance(out[0][0], dict) and out[0][0]["t"] == "xy"
    assert isinstance(out[1][0], Known)
