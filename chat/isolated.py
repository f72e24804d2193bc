"""Run a Python script in a short-lived child process with a memory, CPU and time limit.

For native code fed with what visitors send: a segfault, a runaway allocation or an endless loop in
it ends the child, and the app (one process that holds every visitor's session) only hears that it
failed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ChildLimits:
    # The child's address space (RLIMIT_AS): what numpy and libsndfile may map, code included.
    memory_bytes: int
    # CPU time (RLIMIT_CPU): the kernel ends a busy child even if the parent's clock is late.
    cpu_seconds: int
    # Wall-clock time the parent waits before killing the child.
    wall_seconds: float


class ChildFailed(RuntimeError):
    """The child crashed, was killed at a limit, or exited with an error; the text says which."""


# Set in the child before the script imports anything heavy, rather than with preexec_fn, which is
# unsafe in a threaded parent such as Streamlit's server. No core dumps: a crash must not fill the disk.
_BOOTSTRAP = """\
import resource, runpy, sys
memory, cpu = int(sys.argv[1]), int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
sys.argv = sys.argv[3:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""
# None of the app's settings (its keys and password) reach the child. One math thread: each further
# OpenBLAS thread reserves address space that the memory limit would count.
_CHILD_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# Enough of the child's last words for the log.
_STDERR_TAIL = 2000


def run_isolated(script: Path, args: Sequence[str], stdin: bytes, limits: ChildLimits) -> bytes:
    """What ``script`` wrote to stdout, given ``stdin``, run as ``python -I script *args`` under ``limits``."""
    command = [
        sys.executable,
        "-I",
        "-c",
        _BOOTSTRAP,
        str(limits.memory_bytes),
        str(limits.cpu_seconds),
        str(script),
        *args,
    ]
    try:
        done = subprocess.run(
            command, input=stdin, capture_output=True, timeout=limits.wall_seconds, env=_CHILD_ENVIRONMENT, check=False
        )
    except subprocess.TimeoutExpired:
        # subprocess.run has killed the child and reaped it.
        raise ChildFailed(f"{script.name} ran past {limits.wall_seconds:g} s and was killed") from None
    if done.returncode:
        raise ChildFailed(
            f"{script.name} {_ending(done.returncode)}: {done.stderr[-_STDERR_TAIL:].decode(errors='replace').strip()}"
        )
    return done.stdout


def _ending(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was ended by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was ended by signal {-returncode}"
    return f"exited with status {returncode}"
