"""The HTML report is self-contained and safe: article text can never run or break the page."""

from html.parser import HTMLParser

from unspin.differ import diff
from unspin.report import render_html, render_terminal

EVIL = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"
SRC = (
    f"The minister said {EVIL} was harmless. Officials counted about 4,000 visitors on Monday. "
    f"A banner read {IMG} and \"quotes\" 'single' & ampersands </div></main>. "
    "The festival will return next year, organisers said."
)
COPY = (SRC.replace("Monday", "Tuesday").replace("harmless", "innocuous")
        + '\nTrending\n- <a href="https://evil.example/">click</a> "now"\n- <a href="https://evil.example/">click</a> "now"\n')


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.unbalanced = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag not in ("meta", "br", "link", "img", "input"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.unbalanced += 1

    def handle_data(self, data):
        self.text.append(data)


def _report():
    r = diff(COPY, SRC)
    return r, render_html(r)


def test_no_script_no_handlers_no_external_resources():
    _, page = _report()
    p = _Collect()
    p.feed(page)
    p.close()
    assert "script" not in p.tags
    assert "img" not in p.tags and "iframe" not in p.tags and "object" not in p.tags
    assert p.tags.count("a") == sum(1 for k, v in p.attrs if k == "href")  # every <a> is ours
    for name, value in p.attrs:
        assert not name.startswith("on"), name
        if name in ("href", "src", "action", "formaction", "srcset"):
            assert value is not None and value.startswith("#"), (name, value)
        if name == "style":
            assert "url(" not in (value or "")
    assert "url(" not in page and "@import" not in page
    assert "http://" not in page.replace("&quot;https://evil.example/&quot;", "")
    assert "Content-Security-Policy" in page and "script-src 'none'" in page


def test_page_structure_survives_hostile_text():
    _, page = _report()
    p = _Collect()
    p.feed(page)
    p.close()
    assert p.unbalanced == 0 and p.stack == []
    text = "".join(p.text)
    # the hostile strings are shown as text, intact
    assert EVIL in text and IMG in text and "\"quotes\" 'single' & ampersands </div></main>" in text
    assert page.count("<script") == 0 and "&lt;script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_report_content_facts_first_and_clutter_struck():
    r, page = _report()
    facts_at = page.index("Fact changes")
    sides_at = page.index("Copy and source")
    assert facts_at < sides_at
    assert "Tuesday" in page[facts_at:sides_at] and "Monday" in page[facts_at:sides_at]
    assert '<del class="k-clutter"' in page
    assert 'name="viewport"' in page and "@media" in page
    assert r.summary.facts["date"] == 1


def test_terminal_view():
    r, _ = _report()
    out = render_terminal(r)
    assert "1 fact change (date 1)" in out
    assert "Tuesday" in out and "verbatim" in out


def test_several_sources_each_in_its_own_column():
    other = "Heavy rain flooded the lower town on Sunday night. Firefighters pumped water from forty houses."
    copy = SRC + " " + other.replace("Sunday", "Monday")
    r = diff(copy, [SRC, other])
    page = render_html(r)
    assert page.count('<section class="col">') == 3
    p = _Collect()
    p.feed(page)
    ids = [v for k, v in p.attrs if k == "id"]
    assert len(ids) == len(set(ids))
    assert "script" not in p.tags
