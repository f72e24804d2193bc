"""The counters that every session of the app process shares."""

from __future__ import annotations

import threading

from chat.app_wide import LocalSlots, LocalWindowCounter, slot


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_window_takes_up_to_its_limit_then_says_how_long_to_wait():
    clock = Clock()
    windows = LocalWindowCounter(clock=clock)
    assert [windows.take("questions", 2, 60) for _ in range(2)] == [0.0, 0.0]
    clock.now += 15
    assert windows.take("questions", 2, 60) == 45
    assert windows.count("questions", 60) == 2
    clock.now += 45
    assert windows.take("questions", 2, 60) == 0.0


def test_no_limit_counts_everything():
    windows = LocalWindowCounter(clock=Clock())
    assert all(windows.take("k", 0, 60) == 0.0 for _ in range(100))
    assert windows.count("k", 60) == 100


def test_keys_count_apart_and_record_ignores_the_limit():
    windows = LocalWindowCounter(clock=Clock())
    for _ in range(3):
        windows.record("1.2.3.4", 900)
    assert windows.wait("1.2.3.4", 3, 900) > 0
    assert windows.wait("5.6.7.8", 3, 900) == 0.0


def test_many_threads_never_take_more_than_the_limit():
    windows = LocalWindowCounter()
    taken = []
    lock = threading.Lock()

    def hammer() -> None:
        for _ in range(200):
            if windows.take("all", 50, 60) == 0.0:
                with lock:
                    taken.append(1)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 50


def test_slots_are_given_back_however_the_block_ends():
    slots = LocalSlots()
    with slot(slots, "answers", 1) as first, slot(slots, "answers", 1) as second:
        assert (first, second) == (True, False)
    try:
        with slot(slots, "answers", 1) as again:
            assert again
            raise RuntimeError("the answer failed")
    except RuntimeError:
        pass
    assert slots.acquire("answers", 1)
