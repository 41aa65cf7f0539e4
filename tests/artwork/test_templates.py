"""Template validation and the built-in families (classic = Posterizarr's defaults exactly)."""

from __future__ import annotations

import pytest

from curatarr.artwork.errors import TemplateError, TemplateReadOnly
from curatarr.artwork.layout import box_rect, gravity_to_align
from curatarr.artwork.store import TemplateStore, builtin_families
from curatarr.artwork.templates import BorderLayer, GradientLayer, Kind, TextLayer, parse_colour, validate_template

# posterizarr.md §2.2 "Per-kind parameter sets (defaults)" + §3.7
POSTERIZARR = {
    "poster": {"canvas": (2000, 3000), "text": {"title": (1900, 500, 430, 45, 300)}},
    "season": {"canvas": (2000, 3000), "text": {"season": (1900, 500, 400, 95, 250),
                                                "show_title": (1900, 500, 300, 45, 300)}},
    "background": {"canvas": (3840, 2160), "text": {"title": (3640, 500, 200, 100, 300)}},
    "titlecard": {"canvas": (3840, 2160), "text": {"episode_title": (3640, 280, 300, 50, 150),
                                                   "episode_label": (1000, 120, 150, 50, 80)}},
    "collection": {"canvas": (2000, 3000), "text": {"title": (1900, 500, 300, 100, 250),
                                                    "collection_word": (1000, 140, 150, 50, 100)}},
}


def test_three_families_cover_all_five_kinds():
    families = builtin_families()
    assert {"classic", "cinema", "editorial"} <= set(families)
    for family in families.values():
        assert set(family["templates"]) == {k.value for k in Kind}


@pytest.mark.parametrize("kind", list(POSTERIZARR))
def test_classic_matches_posterizarr_geometry(kind):
    template = TemplateStore(None).resolve("classic", kind)
    expected = POSTERIZARR[kind]
    assert template.size == expected["canvas"]
    borders = [layer for layer in template.layers if isinstance(layer, BorderLayer)]
    assert len(borders) == 1 and borders[0].width == 30 and parse_colour(borders[0].color)[:3] == (0, 0, 0)
    assert borders[0].style == "solid"
    texts = {layer.id: layer for layer in template.layers if isinstance(layer, TextLayer)}
    assert set(texts) == set(expected["text"])
    for layer_id, (w, h, offset, lo, hi) in expected["text"].items():
        layer = texts[layer_id]
        assert (layer.box.width, layer.box.height, layer.box.offset_bottom) == (w, h, offset)
        assert (layer.min_size, layer.max_size) == (lo, hi)
        assert (layer.align, layer.valign) == gravity_to_align("south")
        assert layer.all_caps and layer.line_spacing == 0 and layer.stroke is None
        assert layer.overflow == "skip" and layer.fit == "logical"  # Posterizarr drops truncated assets
    # overlay, then border, then text — Posterizarr's order
    order = [type(layer) for layer in template.layers]
    assert order.index(BorderLayer) > max(i for i, t in enumerate(order) if t is GradientLayer)
    assert order.index(TextLayer) > order.index(BorderLayer)
    # the season's optional show title is off by default (AddShowTitletoSeason=false)
    if kind == "season":
        assert texts["show_title"].enabled is False


def test_box_placement_is_posterizarr_south_gravity():
    # -gravity south -geometry +0+430 with a 1900x500 box on 2000x3000
    rect = box_rect(2000, 3000, 1900, 500, 430)
    assert (rect.x, rect.y, rect.width, rect.height) == (50, 2070, 1900, 500)


def _poster(**text):
    layer = {"type": "text", "id": "title", "box": {"width": 1900, "height": 500, "offset_bottom": 430}}
    layer.update(text)
    return {"id": "t1", "kind": "poster", "layers": [layer]}


def test_negative_box_is_rejected_with_field_location():
    with pytest.raises(TemplateError) as info:
        validate_template(_poster(box={"width": -5, "height": 500}))
    assert info.value.errors[0]["loc"] == ["layers", 0, "box", "width"]


def test_box_wider_than_canvas_is_rejected():
    with pytest.raises(TemplateError) as info:
        validate_template(_poster(box={"width": 2500, "height": 500}))
    assert info.value.errors[0]["loc"] == ["layers", 0, "box", "width"]
    assert "wider than the canvas" in info.value.errors[0]["msg"]


@pytest.mark.parametrize("bad, field", [
    ({"color": "not-a-colour"}, "color"),
    ({"min_size": 400, "max_size": 100}, None),
    ({"overflow": "explode"}, "overflow"),
])
def test_invalid_text_settings_point_at_the_field(bad, field):
    with pytest.raises(TemplateError) as info:
        validate_template(_poster(**bad))
    loc = info.value.errors[0]["loc"]
    assert loc[:2] == ["layers", 0]
    if field:
        assert loc[-1] == field


def test_unknown_keys_and_bad_ids_are_rejected():
    with pytest.raises(TemplateError):
        validate_template({"id": "Bad Id!", "kind": "poster"})
    with pytest.raises(TemplateError) as info:
        validate_template({"id": "ok", "kind": "poster", "surprise": 1})
    assert info.value.errors[0]["loc"] == ["surprise"]


def test_content_hash_changes_with_pixels_not_with_name():
    a = validate_template(_poster())
    b = validate_template({**_poster(), "name": "renamed"})
    c = validate_template(_poster(color="#ff0000"))
    assert a.content_hash() == b.content_hash() != c.content_hash()


def test_store_crud_and_builtins_are_read_only(tmp_path):
    store = TemplateStore(tmp_path)
    created = store.create({**_poster(), "id": "mine"})
    assert store.get("mine").content_hash() == created.content_hash()
    assert (tmp_path / "mine.yml").is_file()
    updated = store.update("mine", {**_poster(color="#112233")})
    assert store.get("mine").text_layers()[0].color == "#112233" == updated.text_layers()[0].color
    with pytest.raises(TemplateReadOnly):
        store.create({**_poster(), "id": "mine"})
    with pytest.raises(TemplateReadOnly):
        store.update("classic-poster", _poster())
    with pytest.raises(TemplateReadOnly):
        store.delete("classic-poster")
    assert store.resolve("classic", "poster").id == "classic-poster"
    assert store.resolve("mine", "poster").id == "mine"
    with pytest.raises(TemplateError):
        store.resolve("mine", "background")
    store.delete("mine")
    assert not (tmp_path / "mine.yml").exists()


def test_broken_user_file_does_not_hide_other_templates(tmp_path):
    store = TemplateStore(tmp_path)
    store.create({**_poster(), "id": "good"})
    (tmp_path / "broken.yml").write_text("id: [unclosed", encoding="utf-8")
    ids = {t.id for t in store.list()}
    assert "good" in ids and "classic-poster" in ids


def test_user_templates_are_parsed_once_per_file_version(tmp_path):
    store = TemplateStore(tmp_path)
    store.create({**_poster(), "id": "mine"})
    first = store.get("mine")
    assert store.get("mine") is first                # unchanged file: the parsed template is reused
    other = TemplateStore(tmp_path)                  # another process (a render worker) edits it
    other.update("mine", {**_poster(color="#112233")})
    assert store.get("mine").text_layers()[0].color == "#112233"
    path = tmp_path / "mine.yml"                     # a hand edit in place (same inode, other size)
    path.write_text(path.read_text(encoding="utf-8").replace("#112233", "#445566") + "\n", encoding="utf-8")
    assert store.get("mine").text_layers()[0].color == "#445566"
    assert [t.text_layers()[0].color for t in store.user_templates()] == ["#445566"]
