"""Run the real app with `streamlit run` and drive it in Debian's headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from playwright.sync_api import Browser, Locator, Page, expect

from chat.setting_sources import SETTING_NAMES

ROOT = Path(__file__).parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningApp:
    url: str
    pid: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def streamlit_app(
    tmp_dir: Path,
    script: str = "app.py",
    *,
    secrets: Path | None = None,
    **settings: str,
) -> Iterator[RunningApp]:
    """`streamlit run <script>` on a free port with exactly these Flowise settings in its environment,
    and with ``secrets`` the only secrets.toml it reads (the repository's own is never written)."""
    port = free_port()
    secrets_option = ["--secrets.files", str(secrets)] if secrets else []
    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    env.update(settings)
    log_path = tmp_dir / f"streamlit-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                script,
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *secrets_option,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/_stcore/health", timeout=1).text == "ok":
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield RunningApp(url, process.pid, log_path)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def open_page(
    browser: Browser,
    url: str,
    ready_test_id: str = "stChatInputTextArea",
    height: int = 1400,
    locale: str | None = None,
) -> Page:
    """A page in a browser context of its own (own cookies, own Streamlit session, and ``locale``
    if given), once it shows the element with ``ready_test_id``."""
    page = browser.new_context(viewport={"width": 1100, "height": height}, locale=locale).new_page()
    page.goto(url)
    expect(page.get_by_test_id(ready_test_id)).to_be_visible(timeout=30_000)
    return page


def send(page: Page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")


def assistant_messages(page: Page) -> Locator:
    return page.get_by_test_id("stChatMessage").filter(has=page.get_by_test_id("stChatMessageAvatarAssistant"))
