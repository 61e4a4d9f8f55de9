"""Batch renders on a Dask cluster: the same jobs as on local worker processes, sent to the
workers of a running `dask scheduler` through Dask's concurrent.futures executor.

Every worker must have broadcast-kit installed (same version, same engines and voices) and
see the episodes, the output folder and the speech cache at the same paths as this machine
(a shared folder). Progress comes back episode by episode: a worker on another machine has
no channel back here while it renders.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from broadcast_kit.batch import Job, Outcome, render_job
from broadcast_kit.errors import BroadcastKitError

CONNECT_SECONDS = 10


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


class DaskExecutor:
    """An existing Dask cluster, reached at `address` (tcp://host:8786)."""

    def __init__(self, address: str, jobs: int | None = None) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise BroadcastKitError(
                "--executor dask needs Dask's distributed package: install the cluster extra,"
                " pip install 'broadcast-kit[cluster]'"
            ) from None
        try:
            self._client: Any = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise BroadcastKitError(
                f"cannot reach the Dask scheduler at {address} ({exc}); start one with"
                " `dask scheduler` and pass the address it prints to --address"
            ) from None
        nthreads: dict[str, int] = self._client.nthreads()
        threads = sum(nthreads.values())
        #: episodes in flight: by default one per worker thread (start workers --nthreads 1)
        self.slots = max(1, jobs or threads)
        self.description = (
            f"the Dask cluster at {address} ({_count(len(nthreads), 'worker')},"
            f" {_count(threads, 'thread')})"
        )
        self._executor: Any = self._client.get_executor(pure=False)

    def submit(self, job: Job) -> Future[Outcome]:
        future: Future[Outcome] = self._executor.submit(render_job, job)
        return future

    def progress(self) -> list[tuple[int, int]]:
        return []

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self._client.close()
