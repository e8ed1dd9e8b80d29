from __future__ import annotations

import pytest

from unspin.clutter import find_clutter, keep_ranges
from unspin.ingest import from_text

BODY = (
    "The harbour authority in Kestrel Bay said on Monday that dredging would start in June.\n"
    "The work will take about six weeks and cost 2.1 million euros, officials said.\n"
    "Fishing crews welcomed the plan.\n"
)


def reasons(text: str, **kw) -> list[str]:
    return [c.reason for c in find_clutter(text, **kw)]


def test_heading_led_list_with_repeated_line_is_one_block():
    tail = ("Trending\n- Storm warning issued for the west coast\n"
            "- Local team reaches cup final after extra time\n"
            "- Local team reaches cup final after extra time\n"
            "- New rail timetable starts on Sunday")
    text = BODY + tail
    [c] = find_clutter(text)
    assert text[c.start:c.end] == tail == c.text
    assert "Trending" in c.reason
    art = from_text(text)
    assert "Storm warning" not in art.text
    assert art.text.endswith("Fishing crews welcomed the plan.")
    assert len(art.paragraphs) == 3
    assert art.original == text  # nothing dropped from what the reader saw


def test_short_real_paragraphs_are_kept():
    text = ("Headline about a council vote on new housing\n"
            "Councillors voted 7-2 in favour of the plan.\n"
            "He declined to comment.\n"
            "Why it matters\n"
            "The estate would add 300 homes to the village of Orrin.\n"
            "Yes.\n")
    assert find_clutter(text) == []


def test_bare_headline_list_at_end():
    text = BODY + ("Council approves budget for new pool\n"
                   "Police appeal for witnesses after crash\n"
                   "Schools to close early for winter break\n")
    [c] = find_clutter(text)
    assert c.text.startswith("Council approves") and c.text.endswith("winter break")
    assert "3 short headline lines" in c.reason


@pytest.mark.parametrize("tail", [
    "Newcastle v Tottenham or Reading\n\nSouthampton v Brentford\n\nBolton v Arsenal\n",
    "1 Anna Berg (Sweden)\n2 Lea Moro (Italy)\n3 Kim Ode (Norway)\n4 Ida Sand (Denmark)\n",
    "Best drama - The Long Road Home\nBest comedy - Two Doors Down Again\n"
    "Best soap - River Street Stories\n",
])
def test_structured_lists_at_end_are_real(tail):
    assert find_clutter(BODY + tail) == []


def test_two_lines_without_punctuation_in_the_middle_are_kept():
    text = ("Opening paragraph of the report, which ends properly.\n"
            "A subheading in the middle of it\nAnother subheading right after\n"
            "More prose follows here and it ends with a full stop.\n")
    assert find_clutter(text) == []


def test_bullet_list_at_end():
    text = BODY + "- Read: port fees to rise next year\n- Watch: the new ferry arrives\n"
    [c] = find_clutter(text)
    assert "bullet" in c.reason


def test_real_bullets_followed_by_prose_are_kept():
    text = ("The plan has three parts:\n- a new quay wall\n- deeper berths for ferries\n"
            "- a bigger car park\nWork starts in June.\n")
    assert find_clutter(text) == []


def test_boilerplate_and_heading_alone():
    text = BODY[:90] + "\nAdvertisement\n" + BODY[90:] + "Read more:\n"
    got = find_clutter(text)
    assert [c.text for c in got] == ["Advertisement", "Read more:"]
    assert got[0].reason == "boilerplate line"


def test_repeated_line_and_repeated_block():
    para = "This is a long paragraph of the article that a broken page printed twice over."
    text = f"{para}\n{para}\nEnd of story, said the editor.\n"
    [c] = find_clutter(text)
    assert c.reason == "repeated line" and c.start == len(para) + 1
    # a repeated block of prose
    p1 = "First paragraph of a story that is long enough to count as real prose here."
    p2 = "Second paragraph of the same story, also long enough to count as prose text."
    p3 = "Third paragraph, which closes the story with a quote from a local resident."
    text = "\n".join([p1, p2, p3, "Sidebar.", p1, p2, p3])
    blocks = find_clutter(text)
    assert [c.reason for c in blocks] == ["repeated block of 3 lines"]
    assert blocks[0].text == "\n".join([p1, p2, p3])


def test_html_mode_keeps_lists_and_spaced_repeats():
    text = ("Ingredients for the soup are simple and cheap to buy at any market.\n"
            "Step one\n- Chop the onions finely\n- Fry them gently\n- Add the stock\n")
    assert find_clutter(text, mode="html") == []
    assert find_clutter(text, mode="text") != []


def test_keep_ranges():
    text = BODY + "Trending\n- One two three four\n"
    clutter = find_clutter(text)
    assert keep_ranges(len(text), clutter) == [(0, clutter[0].start), (clutter[0].end, len(text))]


def test_seed_trending_block(seed_path):
    original = seed_path.read_text(encoding="utf-8")
    art = from_text(original, input=str(seed_path))
    [c] = art.clutter
    lines = c.text.split("\n")
    assert lines[0] == "Trending" and len(lines) == 9
    assert len(set(lines)) == 8  # one line repeated inside the block
    assert original[c.start:c.end] == c.text
    assert original[c.end:].strip() == ""
    # every paragraph above the block is body
    above = [p for p in original[:c.start].split("\n") if p.strip()]
    assert len(art.paragraphs) == len(above) == 10
    for para in art.paragraphs:
        s, e = art.to_original(para.start, para.end)
        assert s < c.start and e <= c.start


def test_inline_link_lines():
    text = ("Body sentence here that ends.\nREAD MORE: Council approves budget for pool\n"
            "Watch: the moment the old bridge fell\nRead: he said it was fine.\n"
            "Another sentence.\n")
    got = find_clutter(text)
    assert [(c.text, c.reason) for c in got] == [
        ("READ MORE: Council approves budget for pool", "inline link line 'READ MORE'"),
        ("Watch: the moment the old bridge fell", "inline link line 'Watch'"),
    ]


def test_menus_at_either_end():
    text = "Home\nNews\nSport\nWeather\n" + BODY + "Share\nTweet\nEmail\nPrint\n"
    got = find_clutter(text)
    assert [c.text for c in got] == ["Home\nNews\nSport\nWeather", "Share\nTweet\nEmail\nPrint"]
    assert all(c.reason == "menu of 4 short labels" for c in got)
    # a title, byline and date above the story are not a menu
    assert find_clutter("Barrier opens\nBy Ann Lee\n5 May 2024\n" + BODY) == []
