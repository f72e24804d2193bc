"""The child process that native code fed with visitors' input runs in: a crash, a runaway
allocation or a stuck loop there ends only the child, and the parent hears why."""

from __future__ import annotations

import os
import textwrap

import pytest

from chat.isolated import ChildFailed, ChildLimits, run_isolated
from flowise_client.uploads import MB

GENEROUS = ChildLimits(memory_bytes=512 * MB, cpu_seconds=60, wall_seconds=120)


def script(tmp_path, source: str):
    path = tmp_path / "child.py"
    path.write_text(textwrap.dedent(source))
    return path


def test_the_childs_output_comes_back(tmp_path):
    echo = script(tmp_path, "import sys\nsys.stdout.write(sys.argv[1] + sys.stdin.read())")
    assert run_isolated(echo, ("out:",), b"in", GENEROUS) == b"out:in"


def test_a_segfault_ends_only_the_child(tmp_path):
    crash = script(tmp_path, "import ctypes\nctypes.string_at(0)")
    with pytest.raises(ChildFailed, match=r"child.py was ended by SIGSEGV"):
        run_isolated(crash, (), b"", GENEROUS)
    assert run_isolated(script(tmp_path, "print('again')"), (), b"", GENEROUS) == b"again\n"


def test_the_child_cannot_take_more_memory_than_its_limit(tmp_path):
    hog = script(tmp_path, "data = bytearray(1024 * 1024 * 1024)\nprint('allocated')")
    with pytest.raises(ChildFailed, match=r"(?s)exited with status 1: .*MemoryError"):
        run_isolated(hog, (), b"", GENEROUS)


def test_a_busy_child_is_ended_at_its_cpu_limit(tmp_path):
    spin = script(tmp_path, "while True:\n    pass")
    with pytest.raises(ChildFailed, match=r"was ended by SIGXCPU|was ended by SIGKILL"):
        run_isolated(spin, (), b"", ChildLimits(memory_bytes=512 * MB, cpu_seconds=1, wall_seconds=120))


def test_a_stuck_child_is_killed_at_its_time_limit(tmp_path):
    stuck = script(tmp_path, "import time\ntime.sleep(600)")
    with pytest.raises(ChildFailed, match="ran past 1 s and was killed"):
        run_isolated(stuck, (), b"", ChildLimits(memory_bytes=512 * MB, cpu_seconds=60, wall_seconds=1))


def test_the_child_sees_none_of_the_apps_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWISE_API_KEY", "secret-key")
    echo = script(tmp_path, "import os, sys\nsys.stdout.write(repr(sorted(os.environ)) + sys.stdin.read())")
    out = run_isolated(echo, (), b"!", GENEROUS).decode()
    assert "FLOWISE_API_KEY" not in out and out.endswith("!")
    assert os.environ["FLOWISE_API_KEY"] == "secret-key"
