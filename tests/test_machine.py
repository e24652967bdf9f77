import threading

import torch

from overlap.machine import side_by_side


def test_results_come_in_the_items_order_from_several_threads():
    seen_threads = set()
    started = threading.Barrier(2, timeout=10)

    def square(item: int) -> int:
        seen_threads.add(threading.get_ident())
        if item < 2:
            started.wait()  # the first two run at once, or this times out
        return item * item

    assert list(side_by_side(square, range(10), 2)) == [n * n for n in range(10)]
    assert len(seen_threads) == 2


def test_each_worker_has_one_torch_thread_and_the_setting_comes_back():
    before = torch.get_num_threads()
    inside = list(side_by_side(lambda _: torch.get_num_threads(), range(4), 2))
    assert inside == [1, 1, 1, 1]
    assert torch.get_num_threads() == before


def test_one_worker_runs_in_this_thread():
    assert list(side_by_side(lambda _: threading.get_ident(), range(3), 1)) == [
        threading.get_ident()] * 3
