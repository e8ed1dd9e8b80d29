"""`unspin serve` in a real headless Chromium (Debian's chromium + chromium-driver, via selenium).

Skips with a reason when the browser, its driver or selenium is missing (`.ci/run` installs
them with apt). Screenshots are written to the test's temporary folder and checked for size
(phone 390 px, desktop 1280 px wide); set UNSPIN_SCREENSHOTS=DIR to keep them.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="needs the [web] extra")
pytest.importorskip("multipart", reason="needs the [web] extra")
pytest.importorskip("selenium", reason="needs selenium (the [browser] extra)")

from webutil import RECORDS, SUSPECT, make_app, write_scan  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not CHROMIUM or not DRIVER:
    pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

PHONE = (390, 844)
DESKTOP = (1280, 900)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    tmp = tmp_path_factory.mktemp("browser")
    scan = write_scan(tmp / "scan", hostile="<script>document.title='pwned'</script>")
    app = make_app(tmp, scans=[scan])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not t.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        t.join(30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-dev-shm-usage", "--no-first-run",
                 f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(120)
    try:
        yield drv
    finally:
        drv.quit()


def shoot(drv: Any, name: str, tmp_path: Path, size: tuple[int, int]) -> Path:
    drv.set_window_size(*size)
    time.sleep(0.2)
    width = drv.execute_script("return window.innerWidth")
    scroll = drv.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"{name}: the page scrolls sideways at {size[0]} px ({scroll} > {width})"
    keep = os.environ.get("UNSPIN_SCREENSHOTS")
    out = (Path(keep) if keep else tmp_path) / f"{name}-{size[0]}.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    assert drv.save_screenshot(str(out))
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    assert h > 100 and abs(w - width) <= 20 or w >= width, (w, h, width)
    drv.set_window_size(*DESKTOP)
    return out


def wait_for(drv: Any, cond: Any, timeout: float = 90.0) -> None:
    from selenium.common.exceptions import WebDriverException

    def holds() -> bool:
        try:
            return bool(cond())
        except WebDriverException:  # the page was reloading (job pages refresh themselves)
            return False

    deadline = time.monotonic() + timeout
    while not holds():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out on {drv.current_url}: {drv.find_element(By.TAG_NAME, 'main').text[:500]}")
        time.sleep(0.25)


def test_upload_jsonl_to_the_index_and_watch_the_job(server: str, browser: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "small.jsonl"
    import json

    corpus.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    browser.get(server + "/corpus")
    browser.find_element(By.ID, "files").send_keys(str(corpus))
    browser.find_element(By.CSS_SELECTOR, "form.box button[type=submit]").click()
    wait_for(browser, lambda: "/jobs/" in browser.current_url)
    wait_for(browser, lambda: browser.find_element(By.ID, "status").text == "done")
    assert f"{len(RECORDS)} added" in browser.find_element(By.TAG_NAME, "main").text
    shoot(browser, "job", tmp_path, PHONE)
    browser.find_element(By.LINK_TEXT, "Browse the corpus").click()
    assert "Morvath" in browser.find_element(By.TAG_NAME, "table").text
    shoot(browser, "corpus", tmp_path, DESKTOP)
    shoot(browser, "corpus", tmp_path, PHONE)
    # the verdict facet: spin-check the unchecked articles as a job, then filter by a verdict
    browser.find_element(By.CSS_SELECTOR, "form[action='/corpus/check'] button").click()
    wait_for(browser, lambda: "/jobs/" in browser.current_url)
    wait_for(browser, lambda: browser.find_element(By.ID, "status").text == "done", timeout=240)
    assert f"{len(RECORDS)} of {len(RECORDS)} articles" in browser.find_element(By.ID, "progress").text
    browser.get(server + "/corpus")
    facet = browser.find_element(By.XPATH, "//section[h3='Verdict (spin check)']")
    link = facet.find_element(By.TAG_NAME, "a")
    verdict = link.text.strip()
    assert verdict in ("spun", "unsure", "clean"), verdict
    link.click()
    wait_for(browser, lambda: f"verdict={verdict}" in browser.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert rows and all(r.find_elements(By.TAG_NAME, "td")[3].text == verdict for r in rows)


def test_paste_the_suspect_and_see_fact_changes_first(server: str, browser: Any, tmp_path: Path) -> None:
    browser.get(server + "/")
    shoot(browser, "home", tmp_path, DESKTOP)
    shoot(browser, "home", tmp_path, PHONE)
    box = browser.find_element(By.ID, "text")
    browser.execute_script("arguments[0].value = arguments[1];", box, SUSPECT)  # send_keys is slow for 3 kB
    browser.find_element(By.CSS_SELECTOR, "form.box button[type=submit]").click()
    wait_for(browser, lambda: "/r/" in browser.current_url)
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main h2")]
    assert headings[0] == "Spin check" and headings[1].startswith("Fact changes"), headings
    assert headings.index("Evidence") > 1
    facts = browser.find_element(By.ID, "facts").text
    assert "North" in facts and "South" in facts
    assert "wire.example" in browser.find_element(By.CSS_SELECTOR, "section.evidence").text
    shoot(browser, "result", tmp_path, DESKTOP)
    shoot(browser, "result", tmp_path, PHONE)
    # filter: facts only, reachable by keyboard
    link = browser.find_element(By.PARTIAL_LINK_TEXT, "fact changes only")
    link.send_keys(Keys.ENTER)
    wait_for(browser, lambda: "show=facts" in browser.current_url)
    assert not browser.find_elements(By.CSS_SELECTOR, "#sbs ~ .cols .k-synonym")
    assert browser.find_elements(By.CSS_SELECTOR, ".cols .k-fact")
    # the JSON twin
    url = browser.current_url.split("?")[0]
    browser.find_element(By.LINK_TEXT, "JSON").click()
    wait_for(browser, lambda: browser.current_url.endswith(".json"))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert '"schema_version"' in body and "wire-001" in body and url.rsplit("/", 1)[1] in body


def test_compare_two_texts(server: str, browser: Any, tmp_path: Path) -> None:
    browser.get(server + "/compare")
    for field, text in (("copy", SUSPECT), ("source", RECORDS[0]["text"])):
        browser.execute_script("arguments[0].value = arguments[1];", browser.find_element(By.ID, field), text)
    browser.find_element(By.CSS_SELECTOR, "form.box button[type=submit]").click()
    wait_for(browser, lambda: "/r/" in browser.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "main h2").text.startswith("Fact changes")
    assert "South" in browser.find_element(By.ID, "facts").text
    shoot(browser, "compare", tmp_path, PHONE)


def test_scan_dashboard(server: str, browser: Any, tmp_path: Path) -> None:
    browser.get(server + "/scans")
    browser.find_element(By.LINK_TEXT, "scan").click()
    wait_for(browser, lambda: browser.current_url.endswith("/scans/0"))
    assert "pwned" not in browser.title
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "farm.example" in text and "distorted" in text and "<script>" in text  # shown as text
    shoot(browser, "scan", tmp_path, DESKTOP)
    shoot(browser, "scan", tmp_path, PHONE)
    browser.get(server + "/scans/0/report.html")
    assert browser.title == "scan report"  # its script did not run (sandboxed, no script)


def test_keyboard_reaches_the_skip_link_and_the_form(server: str, browser: Any) -> None:
    browser.get(server + "/")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.text == "Skip to content" or active.get_attribute("class") == "skip"
    active.send_keys(Keys.ENTER)
    assert browser.current_url.endswith("#main")


def test_hostile_text_stays_text_in_the_browser(server: str, browser: Any) -> None:
    hostile = ('<script>document.title="pwned"</script> The council met on Tuesday. '
               '<img src=x onerror="document.title=\'pwned\'"> </style><style>body{display:none}</style> '
               '<a href="javascript:document.title=\'pwned\'">link</a> The mayor said the port stays open. ') * 3
    browser.get(server + "/")
    browser.execute_script("arguments[0].value = arguments[1];", browser.find_element(By.ID, "text"), hostile)
    browser.find_element(By.CSS_SELECTOR, "form.box button[type=submit]").click()
    wait_for(browser, lambda: "/r/" in browser.current_url)
    assert browser.title != "pwned" and browser.title.startswith("pasted text: <script>")  # literal text
    main = browser.find_element(By.TAG_NAME, "main")
    assert not main.find_elements(By.TAG_NAME, "img") and not main.find_elements(By.TAG_NAME, "script")
    assert not [a for a in main.find_elements(By.TAG_NAME, "a")
                if (a.get_attribute("href") or "").startswith("javascript:")]
    assert main.is_displayed() and "<script>" in main.text  # shown as text
