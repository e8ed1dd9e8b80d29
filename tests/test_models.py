import json

from unspin.models import Article, OffsetMap, Quantity, Span


def test_offset_map_runs_and_lookup():
    m = OffsetMap.from_positions([0, 1, 2, 5, 6, 7], 8)
    assert m.runs == ((0, 0, 3), (3, 5, 3))
    assert m.to_original(3) == 5
    assert m.span_to_original(2, 4) == (2, 6)
    assert m.to_original(6) == 8  # end of text maps to end of last run


def test_article_json_round_trip():
    a = Article(id="x", text="ab cd", original="ab  cd", sentences=(Span(0, 5, "ab cd"),),
                offset_map=OffsetMap.from_positions([0, 1, 3, 4, 5], 6),
                quantities=(Quantity(0, 1, "4", 4.0, 4.0, 4.0),))
    d = json.loads(a.to_json())
    assert d["schema_version"] == 1
    assert Article.from_dict(d) == a
    assert a.to_original(3, 5) == (4, 6)
