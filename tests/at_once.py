"""Two (or more) workers at the same moment, each on its own database connection: what a second task worker or a
rerun racing the first does. PostgreSQL only (SQLite has one writer); the tests skip elsewhere."""

import threading

from django.db import connection


def at_once(work, workers: int = 2) -> list:
    """Run `work()` in `workers` threads released together; returns their results. Any exception fails the test."""
    barrier, errors, results = threading.Barrier(workers), [], []

    def worker():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert len(results) == workers, "a worker did not finish within 60 s"
    return results
