"""Running the same work in many threads at once, each with its own database connection."""

import threading
from collections.abc import Callable

from django.db import connections


def run_at_once(jobs: list[Callable[[], object]], *, timeout: float = 60) -> list[object]:
    """Start every job together (behind a barrier) and return each one's result or exception, in
    job order. Each thread closes its connections at the end, as the test database must be
    dropped afterwards."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def work(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - reported to the test, which asserts on it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread hung (deadlock?)"
    return results
