"""Screenshots of `unspin serve` for the docs (docs/serve-home.png, docs/serve-result.png).

Starts the app on a free loopback port over a temporary index of the bundled samples, opens
it in Debian's headless Chromium (selenium + chromium-driver), pastes samples/suspect.txt
and saves the start page and the top of the result page at desktop width.

    .venv/bin/python scripts/web_screenshots.py [--out docs]
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args()
    import uvicorn
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    from unspin.index import Index
    from unspin.ingest import read
    from unspin.web import create_app
    from unspin.web.app import ServeConfig

    tmp = Path(tempfile.mkdtemp(prefix="unspin-shots-"))
    with Index.open(tmp / "ix.unspin", create=True) as ix:
        ix.add(read(str(ROOT / "samples" / "articles.jsonl"), quantities=False))
    app = create_app(ServeConfig(db=tmp / "ix.unspin", data=tmp / "data"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    while not srv.started:
        time.sleep(0.05)
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--hide-scrollbars", "--window-size=1100,820"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    try:
        drv.get(f"http://127.0.0.1:{port}/")
        drv.save_screenshot(str(args.out / "serve-home.png"))
        drv.execute_script("arguments[0].value = arguments[1];", drv.find_element(By.ID, "text"),
                           (ROOT / "samples" / "suspect.txt").read_text())
        drv.find_element(By.ID, "published").send_keys("03202025")
        drv.find_element(By.CSS_SELECTOR, "form.box button[type=submit]").click()
        while "/r/" not in drv.current_url:
            time.sleep(0.2)
        drv.set_window_size(1100, 1500)
        drv.save_screenshot(str(args.out / "serve-result.png"))
    finally:
        drv.quit()
        srv.should_exit = True
        t.join(10)
    print(f"wrote {args.out / 'serve-home.png'} and {args.out / 'serve-result.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
