#!/usr/bin/env python3
"""Streaming speed of the app against the per-token `st.write_stream` baseline, in headless Chromium.

    python -m benchmarks.stream           # the full run: writes docs/benchmarks.md and docs/benchmarks.png
    python -m benchmarks.stream --quick   # a smaller run to try it out (prints, writes nothing)

Both pages are run with `streamlit run` against a local server that streams a Markdown answer of N
tokens at R tokens/s in Flowise's wire format. For each answer the browser reports when the first
and the last token appear on screen; Chrome DevTools counts the websocket frames and bytes it
receives; /proc gives the Streamlit server's CPU seconds and peak memory. The stream's own time is
what a plain HTTP client takes to read the same answer. All figures are medians over repeats.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from flowise_client import FlowiseClient
from flowise_wire import JSON_MEDIA_TYPE, SSE_HEADERS, end_frame, frame, json_body
from testbed.browser import CHROMIUM, CHROMIUM_FLAGS, send, streamlit_app

ROOT = Path(__file__).resolve().parent.parent

FIRST, LAST = "Alphastart", "Omegafinish"
VARIANTS = {"app": "app.py", "baseline": "benchmarks/baseline_app.py"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- the answer and the server that streams it --------------------------------------------------


def answer_tokens(count: int) -> list[str]:
    """A Markdown answer of ``count`` tokens: paragraphs, a list and a code block now and then."""
    words = "the flow streams each token while the page shows finished blocks once and only the tail again".split()
    tokens = [FIRST]
    block = 0
    while len(tokens) < count - 1:
        block += 1
        if block % 7 == 0:
            tokens += ["\n\n```python\n"] + [f"value_{i} = {i} * 2\n" for i in range(6)] + ["```\n\n"]
        elif block % 5 == 0:
            tokens += [f"\n- item {i} of the list" for i in range(4)] + ["\n\n"]
        else:
            tokens += [f" {words[(block + i) % len(words)]}" for i in range(60)] + [".\n\n"]
    return [*tokens[: count - 1], f" {LAST}"]


def _stream_handler(answers: dict[int, list[str]]):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            body = json_body({"isStreaming": True})
            self.send_response(200)
            self.send_header("Content-Type", JSON_MEDIA_TYPE)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            count, rate = (int(x) for x in request["question"].split("@"))
            self.send_response(200)
            for name, value in SSE_HEADERS.items():
                self.send_header(name, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            started = time.monotonic()
            try:
                self._chunk(frame("start", ""))
                for i, token in enumerate(answers.setdefault(count, answer_tokens(count))):
                    # Paced against the start, so sleeps that overshoot do not add up.
                    delay = started + i / rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    self._chunk(frame("token", token))
                meta = {"chatId": request["chatId"], "chatMessageId": str(uuid.uuid4()), "sessionId": request["chatId"]}
                self._chunk(frame("metadata", meta) + end_frame())
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a page closed mid-answer is expected


@contextmanager
def answer_server():
    server = _QuietServer(("127.0.0.1", 0), _stream_handler({}))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def plain_read_seconds(url: str, count: int, rate: int) -> float:
    started = time.monotonic()
    response = requests.post(
        f"{url}/api/v1/prediction/bench",
        json={"question": f"{count}@{rate}", "chatId": "plain"},
        stream=True,
        timeout=600,
    )
    for _ in response.iter_content(chunk_size=None):
        pass
    return time.monotonic() - started


# -- measuring a page in the browser ------------------------------------------------------------

# Marks when Enter is pressed in the chat box and when the first and last tokens show in the last
# assistant message; checked once per frame, as a person would see them.
WATCH = f"""
window.__bench = {{send: null, first: null, last: null}};
document.addEventListener('keydown', e => {{
  if (e.key === 'Enter' && e.target.dataset.testid === 'stChatInputTextArea') {{
    window.__bench = {{send: performance.now(), first: null, last: null}};
  }}
}}, true);
(function check() {{
  const b = window.__bench;
  if (b.send !== null && b.last === null) {{
    const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
    const text = messages.length ? messages[messages.length - 1].textContent : '';
    if (b.first === null && text.includes('{FIRST}')) b.first = performance.now();
    if (text.includes('{LAST}')) b.last = performance.now();
  }}
  requestAnimationFrame(check);
}})();
"""


@dataclass
class Session:
    """One browser tab with DevTools counting the websocket frames it receives."""

    page: object
    frames: int = 0
    bytes: int = 0

    @classmethod
    def open(cls, browser: Browser, url: str) -> Session:
        context = browser.new_context(viewport={"width": 1100, "height": 1400})
        context.add_init_script(WATCH)
        page = context.new_page()
        session = cls(page)
        cdp = context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameReceived", session._count)
        cdp.send("Network.enable")
        open_page_in(page, url)
        return session

    def _count(self, event: dict) -> None:
        response = event["response"]
        payload = response["payloadData"]
        self.frames += 1
        # Binary frames (Streamlit's protobuf messages) arrive base64-encoded.
        self.bytes += len(base64.b64decode(payload)) if response.get("opcode") == 2 else len(payload.encode())

    def ask(self, question: str) -> None:
        self.frames_before, self.bytes_before = self.frames, self.bytes
        send(self.page, question)

    def wait_done(self, timeout: float) -> dict:
        self.page.wait_for_function("window.__bench.last !== null", timeout=timeout * 1000, polling=50)
        marks = self.page.evaluate("window.__bench")
        return {
            "first": (marks["first"] - marks["send"]) / 1000,
            "last": (marks["last"] - marks["send"]) / 1000,
            "frames": self.frames - self.frames_before,
            "bytes": self.bytes - self.bytes_before,
        }

    def close(self) -> None:
        self.page.context.close()


def open_page_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60_000)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def memory_mb(pid: int, field: str = "VmHWM") -> float:
    """A memory figure of the process from /proc: VmHWM is its peak resident size, VmRSS the current one."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def settle(pid: int, quiet: float = 0.3, limit: float = 30) -> None:
    """Wait until the server has finished its work for the answer (its CPU time stops moving)."""
    deadline = time.monotonic() + limit
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_seconds(pid)
        if now == last:
            return
        last = now


@dataclass
class Result:
    variant: str
    count: int
    rate: int
    plain: float
    first: list[float] = field(default_factory=list)
    last: list[float] = field(default_factory=list)
    frames: list[int] = field(default_factory=list)
    bytes: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    unfinished: bool = False

    def row(self) -> dict:
        if self.unfinished:
            return {"variant": self.variant, "tokens": self.count, "rate": self.rate, "unfinished": True}
        m = statistics.median
        return {
            "variant": self.variant,
            "tokens": self.count,
            "rate": self.rate,
            "first_s": m(self.first),
            "last_ratio": m(self.last) / self.plain,
            "mb": m(self.bytes) / 1e6,
            "frames": int(m(self.frames)),
            "cpu_s": m(self.cpu),
            "peak_mb": self.peak_mb,
        }


def run_single(
    browser: Browser, url: str, tmp: Path, variant: str, count: int, rate: int, repeats: int, plain: float
) -> Result:
    result = Result(variant, count, rate, plain)
    with streamlit_app(tmp, VARIANTS[variant], FLOWISE_URL=url, FLOWISE_FLOW_ID="bench") as app:
        for _ in range(repeats):
            session = Session.open(browser, app.url)
            settle(app.pid)
            cpu_before = cpu_seconds(app.pid)
            session.ask(f"{count}@{rate}")
            try:
                marks = session.wait_done(timeout=plain * 3 + 30)
            except PlaywrightTimeout:
                # A page that cannot finish once will not finish on the next try either.
                result.unfinished = True
                session.close()
                break
            settle(app.pid)
            result.cpu.append(cpu_seconds(app.pid) - cpu_before)
            result.first.append(marks["first"])
            result.last.append(marks["last"])
            result.frames.append(marks["frames"])
            result.bytes.append(marks["bytes"])
            session.close()
        result.peak_mb = memory_mb(app.pid)
    print(json.dumps(result.row()), flush=True)
    return result


def run_concurrent(browser: Browser, url: str, tmp: Path, variant: str, count: int, rate: int, users: int) -> dict:
    with streamlit_app(tmp, VARIANTS[variant], FLOWISE_URL=url, FLOWISE_FLOW_ID="bench") as app:
        sessions = [Session.open(browser, app.url) for _ in range(users)]
        settle(app.pid)
        cpu_before = cpu_seconds(app.pid)
        for session in sessions:
            session.ask(f"{count}@{rate}")
        times = [session.wait_done(timeout=count / rate * 40 + 120)["last"] for session in sessions]
        settle(app.pid)
        cpu = cpu_seconds(app.pid) - cpu_before
        for session in sessions:
            session.close()
    row = {
        "variant": variant,
        "users": users,
        "median_last_s": statistics.median(times),
        "max_last_s": max(times),
        "cpu_s": cpu,
        "cpu_s_per_session": cpu / users,
    }
    print(json.dumps(row), flush=True)
    return row


# -- the parser on its own ---------------------------------------------------------------------


def parser_throughput(url: str, count: int = 100_000) -> dict:
    """Events per second through the client against a bare `iter_lines` + `json.loads` loop."""
    rate = 10**9  # as fast as the server can write
    client = FlowiseClient(url, max_answer_chars=10**9)  # the whole stream, past the app's default cap
    started = time.monotonic()
    with client.predict("bench", f"{count}@{rate}", "parser") as events:
        ours = sum(1 for _ in events)
    ours_s = time.monotonic() - started
    started = time.monotonic()
    response = requests.post(
        f"{url}/api/v1/prediction/bench", json={"question": f"{count}@{rate}", "chatId": "p"}, stream=True, timeout=600
    )
    plain = sum(1 for line in response.iter_lines() if line.startswith(b"data:") and json.loads(line[5:]))
    plain_s = time.monotonic() - started
    row = {"events": ours, "client_events_per_s": ours / ours_s, "iter_lines_events_per_s": plain / plain_s}
    print(json.dumps(row), flush=True)
    return row


# -- report ------------------------------------------------------------------------------------


def write_report(single: list[Result], concurrent: list[dict], parser: dict, args: argparse.Namespace) -> None:
    rows = [r.row() for r in single]
    lines = [
        "# Streaming benchmark",
        "",
        f"`python -m benchmarks.stream` on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}: the app against the "
        "per-token `st.write_stream` baseline (`benchmarks/baseline_app.py`), each in `streamlit run`, in headless "
        f"Chromium. Medians of {args.repeats} runs. *last/stream* is the time until the last token is on screen over "
        "the time a plain HTTP client takes to read the same stream; *MB* and *frames* are what the browser "
        "received over the websocket; *CPU s* is the Streamlit server's CPU time for the answer; *peak MB* is the "
        "server's peak resident memory.",
        "",
        "| tokens | tokens/s | page | first token s | last/stream | MB | frames | CPU s | peak MB |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.get("unfinished"):
            lines.append(f"| {r['tokens']} | {r['rate']} | {r['variant']} | did not finish | | | | | |")
            continue
        lines.append(
            f"| {r['tokens']} | {r['rate']} | {r['variant']} | {r['first_s']:.3f} | {r['last_ratio']:.3f} | "
            f"{r['mb']:.2f} | {r['frames']} | {r['cpu_s']:.2f} | {r['peak_mb']:.0f} |"
        )
    if any(r.get("unfinished") for r in rows):
        lines += [
            "",
            "*did not finish*: the last token was not on screen within three times the stream's time "
            "plus 30 s. At that size the baseline re-sends the whole answer for every token (hundreds of "
            "MB), and the tab stops updating; DevTools, which counts the frames, has to carry all of it too.",
        ]
    if concurrent:
        lines += [
            "",
            f"## Sessions streaming at once ({args.concurrent_tokens} tokens at {args.concurrent_rate} tokens/s)",
            "",
            "On 2 cores the browsers compete with the server, so the server's CPU seconds per session "
            "are the figure that decides capacity.",
            "",
            "| page | sessions | median last token s | slowest s | slowdown vs 1 | server CPU s | CPU s per session |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        alone = {c["variant"]: c["median_last_s"] for c in concurrent if c["users"] == 1}
        for c in concurrent:
            lines.append(
                f"| {c['variant']} | {c['users']} | {c['median_last_s']:.2f} | {c['max_last_s']:.2f} | "
                f"{c['median_last_s'] / alone[c['variant']]:.2f}x | {c['cpu_s']:.2f} | {c['cpu_s_per_session']:.3f} |"
            )
    lines += [
        "",
        "## Parser throughput",
        "",
        f"{parser['events']} events from the local server as fast as it writes them: the client's SSE path "
        f"(`FlowiseClient.predict`) read **{parser['client_events_per_s']:,.0f} events/s**, a bare "
        f"`requests.iter_lines` + `json.loads` loop **{parser['iter_lines_events_per_s']:,.0f} events/s** "
        f"({parser['client_events_per_s'] / parser['iter_lines_events_per_s']:.2f}x).",
        "",
        "![Last token on screen and websocket megabytes, app against baseline](benchmarks.png)",
        "",
    ]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines))
    chart(rows, ROOT / "docs" / "benchmarks.png")


def chart(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    rows = [r for r in rows if not r.get("unfinished")]
    for variant, colour in (("app", "tab:blue"), ("baseline", "tab:red")):
        for rate, style in zip(sorted({r["rate"] for r in rows}), ("-o", "--s", ":^"), strict=False):
            mine = sorted((r for r in rows if r["variant"] == variant and r["rate"] == rate), key=lambda r: r["tokens"])
            xs = [r["tokens"] for r in mine]
            label = f"{variant}, {rate} tok/s"
            axes[0].plot(xs, [r["last_ratio"] for r in mine], style, color=colour, label=label)
            axes[1].plot(xs, [r["mb"] for r in mine], style, color=colour, label=label)
            axes[2].plot(xs, [r["cpu_s"] for r in mine], style, color=colour, label=label)
    for ax, title in zip(
        axes, ("last token on screen / stream time", "MB received by the browser", "server CPU s"), strict=False
    ):
        ax.set_xscale("log")
        ax.set_xlabel("answer tokens")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    axes[1].set_yscale("log")
    axes[2].set_yscale("log")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 8000, 20000])
    parser.add_argument("--rates", type=int, nargs="+", default=[400, 800])
    parser.add_argument(
        "--long", type=int, default=10_000, help="answers above this many tokens run at the highest rate only"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--users", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--concurrent-tokens", type=int, default=8000)
    parser.add_argument("--concurrent-rate", type=int, default=800)
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.rates, args.repeats, args.users = [500, 2000], [800], 1, [1, 3]
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    with answer_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        throughput = parser_throughput(url)
        concurrent = [
            run_concurrent(browser, url, tmp, variant, args.concurrent_tokens, args.concurrent_rate, users)
            for variant in VARIANTS
            for users in args.users
        ]
        single = []
        for count in args.sizes:
            for rate in args.rates if count <= args.long else [max(args.rates)]:
                plain = statistics.median(plain_read_seconds(url, count, rate) for _ in range(args.repeats))
                for variant in VARIANTS:
                    single.append(run_single(browser, url, tmp, variant, count, rate, args.repeats, plain))
                    if not args.quick:  # a long run that is stopped early still leaves what it measured
                        write_report(single, concurrent, throughput, args)
        browser.close()


if __name__ == "__main__":
    main()
