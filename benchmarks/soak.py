#!/usr/bin/env python3
"""Soak test with injected faults: many sessions asking in sequence while the flow fails at random.

    python -m benchmarks.soak           # 20 sessions x 10 questions, 5 at a time: writes docs/reliability.md
    python -m benchmarks.soak --quick   # 4 sessions x 3 questions, to try it out (prints, writes nothing)

The real app runs with `streamlit run` against the "chaos" flow of the local Flowise-wire server
(testbed/wire). Drawn from each question with a fixed seed, 10% of its answers end in a TCP
reset mid-stream, 10% in a Flowise `error` event, 5% in a silence longer than the app's
FLOWISE_READ_TIMEOUT; the rest complete. Every session is a headless Chromium page of its own.

A turn passes when its bubble shows the whole answer, or an error message where a fault was
injected. It fails when it shows neither, an error where no fault was injected, or a traceback.
/proc gives the Streamlit server's memory, threads, file descriptors and TCP connections to the
wire server: at a baseline (one page loaded, idle), at their peak, and after every session page
has closed and the server has idled. Exits 1 if a turn failed, or if threads or connections to
Flowise did not come back to the baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from benchmarks.stream import memory_mb, settle
from testbed.browser import CHROMIUM, CHROMIUM_FLAGS, assistant_messages, open_page, send, streamlit_app
from testbed.wire.chaos import Chaos
from testbed.wire.flows import Scenario
from testbed.wire.server import start_wire

ROOT = Path(__file__).resolve().parent.parent

FAULTS = ("reset", "error", "stall")
# /proc/net/tcp's connection states, by their hex code.
TCP_STATES = {
    "01": "ESTABLISHED",
    "06": "TIME_WAIT",
    "08": "CLOSE_WAIT",
    "04": "FIN_WAIT1",
    "05": "FIN_WAIT2",
    "07": "CLOSE",
    "09": "LAST_ACK",
    "0B": "CLOSING",
}
TRACEBACK_SIGNS = ("Traceback", 'File "')


def words(text: str) -> str:
    return " ".join(text.split())


# -- the server process, from /proc ------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    rss_mb: float
    threads: list[str]
    # Open file descriptors by what they are: socket, eventpoll, pipe, file...
    fds: Counter
    # This process's TCP connections to the Flowise server, by state.
    flowise: Counter

    @property
    def established(self) -> int:
        return self.flowise["ESTABLISHED"]


def fd_kind(target: str) -> str:
    """What a /proc/PID/fd link points at: "socket:[123]" -> socket, "anon_inode:[eventpoll]" -> eventpoll,
    a path -> file."""
    if target.startswith("anon_inode:"):
        return target.removeprefix("anon_inode:").strip("[]")
    return target.split(":", 1)[0] if ":[" in target else "file"


@dataclass
class Probe:
    pid: int
    flowise_port: int

    def threads(self) -> list[str]:
        names = []
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError):  # the thread ended while we looked
                names.append((task / "comm").read_text().strip())
        return names

    def _fd_targets(self) -> list[str]:
        targets = []
        for fd in Path(f"/proc/{self.pid}/fd").iterdir():
            with contextlib.suppress(FileNotFoundError):  # closed while we looked
                targets.append(os.readlink(fd))
        return targets

    def fds(self) -> Counter:
        return Counter(fd_kind(target) for target in self._fd_targets())

    def flowise_connections(self) -> Counter:
        mine = {t[8:-1] for t in self._fd_targets() if t.startswith("socket:[")}
        states = Counter()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == self.flowise_port and fields[9] in mine:
                    states[TCP_STATES.get(fields[3], fields[3])] += 1
        return states

    def snapshot(self) -> Snapshot:
        return Snapshot(memory_mb(self.pid, "VmRSS"), self.threads(), self.fds(), self.flowise_connections())


class PeakSampler(threading.Thread):
    """Samples the server's thread count and open connections to Flowise until stopped."""

    def __init__(self, probe: Probe, every: float = 0.25) -> None:
        super().__init__(name="soak-sampler", daemon=True)
        self.probe, self.every = probe, every
        self.threads = self.connections = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.every):
            self.threads = max(self.threads, len(self.probe.threads()))
            self.connections = max(self.connections, self.probe.flowise_connections()["ESTABLISHED"])

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


# -- the sessions ------------------------------------------------------------------------------


@dataclass
class TurnResult:
    session: int
    number: int
    fault: str | None
    shown: str  # "answer", "error" or "neither"
    error_text: str = ""
    problem: str = ""


@dataclass
class Session:
    """One browser page asking its questions one after another."""

    number: int
    questions: list[str]
    chaos: Chaos
    turn_timeout: float
    page: Page | None = None
    asked: int = 0
    sent_at: float = 0.0
    quiet_since: float | None = None
    results: list[TurnResult] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return len(self.results) == len(self.questions)

    def open(self, browser: Browser, url: str) -> None:
        self.page = open_page(browser, url)

    def ask_next(self) -> None:
        self.asked += 1
        self.sent_at, self.quiet_since = time.monotonic(), None
        send(self.page, self.questions[self.asked - 1])

    def close(self) -> None:
        if self.page is not None:
            self.page.context.close()

    def fail_rest(self, problem: str) -> None:
        for number in range(len(self.results) + 1, len(self.questions) + 1):
            fault = self.chaos.fault(self.questions[number - 1])
            self.results.append(TurnResult(self.number, number, fault, "neither", problem=problem))

    def poll(self) -> TurnResult | None:
        """The outcome of the question in flight, once the page shows one and the script has finished."""
        question = self.questions[self.asked - 1]
        late = time.monotonic() - self.sent_at > self.turn_timeout
        bubbles = assistant_messages(self.page)
        finished = (
            bubbles.count() >= self.asked
            and self.page.get_by_test_id("stApp").get_attribute("data-test-script-state") == "notRunning"
        )
        if not finished:
            return self._record(question, "neither", "", f"no outcome within {self.turn_timeout:g} s") if late else None
        bubble = bubbles.nth(self.asked - 1)
        # The message itself, without the icon's name.
        alert = bubble.get_by_test_id("stAlertContentError").get_by_test_id("stMarkdownContainer")
        error_text = words(alert.inner_text()) if alert.count() else ""
        answered = not error_text and words("".join(self.chaos.answer(question))) in words(bubble.inner_text())
        shown = "error" if error_text else "answer" if answered else "neither"
        if shown == "neither":
            # The last messages of a run can trail its end by a moment; give them one.
            self.quiet_since = self.quiet_since or time.monotonic()
            if time.monotonic() - self.quiet_since < 2 and not late:
                return None
        return self._record(question, shown, error_text, self._problem(question, shown))

    def _problem(self, question: str, shown: str) -> str:
        page_text = self.page.locator("body").inner_text()
        if any(sign in page_text for sign in TRACEBACK_SIGNS) or self.page.get_by_test_id("stException").count():
            return "a traceback on the page"
        fault = self.chaos.fault(question)
        if shown == "neither":
            return "neither the whole answer nor an error message"
        if shown == "error" and not fault:
            return "an error message where no fault was injected"
        if shown == "answer" and fault:
            return f"a whole answer although a {fault} was injected"
        return ""

    def _record(self, question: str, shown: str, error_text: str, problem: str) -> TurnResult:
        result = TurnResult(self.number, self.asked, self.chaos.fault(question), shown, error_text, problem)
        self.results.append(result)
        return result


def questions_for(session: int, count: int) -> list[str]:
    return [f"Session {session} question {n}: what does the flow say?" for n in range(1, count + 1)]


def drive(browser: Browser, url: str, chaos: Chaos, args: argparse.Namespace) -> list[TurnResult]:
    """All sessions, at most ``args.concurrency`` open at once, each polled in turn from this thread."""
    sessions = [
        Session(n, questions_for(n, args.questions), chaos, args.turn_timeout) for n in range(1, args.sessions + 1)
    ]
    waiting, active = deque(sessions), []
    while waiting or active:
        while waiting and len(active) < args.concurrency:
            session = waiting.popleft()
            try:
                session.open(browser, url)
                session.ask_next()
                active.append(session)
            except PlaywrightError as exc:
                session.fail_rest(f"the page did not load ({str(exc).splitlines()[0]})")
                session.close()
        for session in list(active):
            try:
                result = session.poll()
            except PlaywrightError as exc:
                session.fail_rest(f"the page broke ({str(exc).splitlines()[0]})")
                result = None
            if result:
                mark = f"FAILED: {result.problem}" if result.problem else result.shown
                print(
                    f"session {result.session:2d} turn {result.number:2d} {result.fault or '-':>5}: {mark}", flush=True
                )
            if session.done:
                session.close()
                active.remove(session)
            elif result:
                session.ask_next()
        time.sleep(0.1)
    return [result for session in sessions for result in session.results]


# -- the run and its report --------------------------------------------------------------------


@dataclass
class Report:
    args: argparse.Namespace
    chaos: Chaos
    results: list[TurnResult]
    injected: Counter
    baseline: Snapshot
    after: Snapshot
    peak_rss_mb: float
    peak_threads: int
    peak_connections: int
    log_tracebacks: int
    seconds: float

    def count(self, shown: str) -> int:
        return sum(1 for r in self.results if r.shown == shown and not r.problem)

    @property
    def failures(self) -> list[TurnResult]:
        return [r for r in self.results if r.problem]

    @property
    def leftover_threads(self) -> Counter:
        return Counter(self.after.threads) - Counter(self.baseline.threads)

    @property
    def problems(self) -> list[str]:
        problems = [f"{len(self.failures)} turns failed"] if self.failures else []
        if len(self.after.threads) > len(self.baseline.threads):
            problems.append(f"threads did not come back: {len(self.baseline.threads)} -> {len(self.after.threads)}")
        if self.after.established > self.baseline.established:
            problems.append(
                f"connections to Flowise left open: {self.baseline.established} -> {self.after.established}"
            )
        if self.log_tracebacks:
            problems.append(f"{self.log_tracebacks} tracebacks in the server log")
        return problems

    def messages(self) -> dict[str, str]:
        """The first error message people saw for each kind of fault."""
        seen: dict[str, str] = {}
        for r in self.results:
            if r.shown == "error" and r.fault and r.fault not in seen:
                seen[r.fault] = r.error_text
        return seen

    def rows(self) -> list[tuple[str, str]]:
        b, a = self.baseline, self.after
        leftover = ", ".join(f"{name} x{n}" for name, n in self.leftover_threads.items()) or "none"
        return [
            (
                "sessions x questions",
                f"{self.args.sessions} x {self.args.questions} ({self.args.concurrency} at a time)",
            ),
            ("turns", str(len(self.results))),
            ("answers completed", str(self.count("answer"))),
            ("errors shown", str(self.count("error"))),
            ("failures", str(len(self.failures))),
            (
                "faults injected (server's count): reset / error / stall",
                " / ".join(str(self.injected[kind]) for kind in FAULTS),
            ),
            ("answers the server completed", str(self.injected["complete"])),
            ("server RSS MB: baseline / peak / after", f"{b.rss_mb:.0f} / {self.peak_rss_mb:.0f} / {a.rss_mb:.0f}"),
            ("server threads: baseline / peak / after", f"{len(b.threads)} / {self.peak_threads} / {len(a.threads)}"),
            ("threads left over beyond baseline", leftover),
            ("server open fds: baseline / after", f"{b.fds.total()} / {a.fds.total()}"),
            (
                "fds after beyond baseline, by kind",
                ", ".join(f"{kind} {n}" for kind, n in (a.fds - b.fds).items()) or "none",
            ),
            (
                "connections to Flowise (ESTABLISHED): baseline / peak / after",
                f"{b.established} / {self.peak_connections} / {a.established}",
            ),
            (
                "other connections to Flowise after",
                ", ".join(f"{s} {n}" for s, n in a.flowise.items() if s != "ESTABLISHED") or "none",
            ),
            ("tracebacks in the server log", str(self.log_tracebacks)),
            ("duration", f"{self.seconds:.0f} s"),
        ]

    def print(self) -> None:
        for name, value in self.rows():
            print(f"{name:>62}: {value}")
        for kind, text in self.messages().items():
            print(f"{kind:>62}: {text}")
        for r in self.failures:
            print(f"FAILED session {r.session} turn {r.number} (fault: {r.fault}): {r.problem}")
        print("PASS" if not self.problems else "FAIL: " + "; ".join(self.problems))

    def markdown(self) -> str:
        a, c = self.args, self.chaos
        lines = [
            "# Reliability under injected faults",
            "",
            f"`python -m benchmarks.soak` on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}: the app "
            f'(`streamlit run app.py`, `FLOWISE_READ_TIMEOUT={a.read_timeout:g}`) against the "chaos" flow of the '
            f"local Flowise-wire server (`testbed/wire`, seed {c.seed}). Its answers are {c.tokens} tokens "
            f"at {1 / c.token_delay:.0f} tokens/s in Flowise's wire format; drawn per question, {c.reset:.0%} end in a "
            f"TCP reset mid-stream, {c.error:.0%} in a Flowise `error` event mid-stream and {c.stall:.0%} in a "
            f"silence of {c.stall_seconds:g} s, longer than the read timeout; the rest complete. Each session is a "
            "headless Chromium page of its own that asks its questions one after another.",
            "",
            "A turn counts as an answer when the whole answer is in its bubble, as an error when the bubble shows an "
            "error message where a fault was injected. Anything else is a failure: neither of the two, an error "
            "where no fault was injected, or a traceback on the page. The server figures are the Streamlit "
            "process's, from /proc: *baseline* with one page loaded and idle, *after* once every session page has "
            f"closed and the server has idled {a.idle:g} s (the baseline page still open); before both, one request "
            "to the server lets it drop the worker threads its web server left idle.",
            "",
            "| | |",
            "|---|---:|",
        ]
        lines += [f"| {name} | {value} |" for name, value in self.rows()]
        lines += [
            "",
            "Each Streamlit session owns an asyncio event loop (an eventpoll descriptor and a socket pair), and "
            "Streamlit keeps the session of a closed page for `server.disconnectedSessionTTL` (120 s by default) "
            "in case it reconnects: the descriptors beyond the baseline afterwards are those kept sessions', "
            "about three per session, released when Streamlit expires them. Connections to Flowise are counted "
            "on their own above.",
        ]
        lines += ["", "What people saw for each kind of fault (the first message of each):", ""]
        lines += [f"- {kind}: {text}" for kind, text in self.messages().items()]
        lines += ["", f"Result: **{'pass' if not self.problems else 'fail: ' + '; '.join(self.problems)}**.", ""]
        return "\n".join(lines)


def idle_snapshot(probe: Probe, url: str, idle: float) -> Snapshot:
    """The server's figures once it has idled. Streamlit's web server runs blocking work on AnyIO worker
    threads, and drops those idle for 10 s only when the next request comes: one request lets it, so the
    count shows the threads in use rather than what the last burst of page loads left idle."""
    time.sleep(max(idle, 11))
    requests.get(url + "/", timeout=10)
    settle(probe.pid, quiet=1)
    return probe.snapshot()


def run(args: argparse.Namespace) -> Report:
    chaos = Chaos(seed=args.seed, tokens=args.tokens, token_delay=1 / args.rate, stall_seconds=args.read_timeout + 5)
    wire = start_wire(chaos=chaos)
    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    try:
        # It measures how answers survive faults, not the budget for all visitors: that is off.
        with (
            streamlit_app(
                tmp,
                FLOWISE_URL=wire.url,
                FLOWISE_FLOW_ID=Scenario.CHAOS,
                TOTAL_QUESTIONS_PER_MINUTE="0",
                FLOWISE_READ_TIMEOUT=f"{args.read_timeout:g}",
            ) as app,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            probe = Probe(app.pid, urlsplit(wire.url).port)
            baseline_page = open_page(browser, app.url)
            baseline = idle_snapshot(probe, app.url, args.idle)
            sampler = PeakSampler(probe)
            sampler.start()
            started = time.monotonic()
            results = drive(browser, app.url, chaos, args)
            seconds = time.monotonic() - started
            after = idle_snapshot(probe, app.url, args.idle)
            sampler.stop()
            peak_rss = memory_mb(app.pid, "VmHWM")
            baseline_page.context.close()
            browser.close()
            log_tracebacks = app.log().count("Traceback")
    finally:
        wire.stop()
    return Report(
        args,
        chaos,
        results,
        Counter(kind for _, kind in wire.injected),
        baseline,
        after,
        peak_rss,
        max(sampler.threads, len(baseline.threads)),
        max(sampler.connections, baseline.established),
        log_tracebacks,
        seconds,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="4 sessions x 3 questions; prints, writes nothing")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10, help="questions per session, asked in sequence")
    parser.add_argument("--concurrency", type=int, default=5, help="session pages open at once")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tokens", type=int, default=300, help="tokens per answer")
    parser.add_argument("--rate", type=float, default=100, help="tokens per second")
    parser.add_argument("--read-timeout", type=float, default=3, help="the app's FLOWISE_READ_TIMEOUT, seconds")
    parser.add_argument("--turn-timeout", type=float, default=60, help="longest wait for a turn's outcome, seconds")
    parser.add_argument("--idle", type=float, default=15, help="seconds the server idles before the 'after' figures")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.questions, args.concurrency = 4, 3, 2
    report = run(args)
    report.print()
    if not args.quick:
        (ROOT / "docs" / "reliability.md").write_text(report.markdown())
    sys.exit(1 if report.problems else 0)


if __name__ == "__main__":
    main()
