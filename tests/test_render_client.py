"""coursekit.render.client: the kernel client is ready on the kernel's own answer, and does not
fall behind a kernel whose IOPub connects late."""

from __future__ import annotations

import asyncio
from queue import Empty

import pytest

from coursekit.render.client import RenderKernelClient


class _Channel:
    def __init__(self) -> None:
        self.queue: list[dict] = []

    async def get_msg(self, timeout: float | None = None) -> dict:
        if self.queue:
            return self.queue.pop(0)
        await asyncio.sleep(min(timeout or 0.0, 0.01))  # a silent channel, time compressed
        raise Empty


class _Kernel(RenderKernelClient):
    """A client of a kernel that comes up at request number ``start_at`` and then answers every
    kernel_info sent so far on the shell channel, and whose IOPub brings the statuses only from
    request number ``connect_at`` on (those before are published before the client's
    subscription holds, and lost)."""

    shell_channel = None
    iopub_channel = None

    def __init__(self, start_at: int, connect_at: int) -> None:
        super().__init__()
        self.shell_channel, self.iopub_channel = _Channel(), _Channel()
        self.start_at, self.connect_at, self.requests = start_at, connect_at, 0
        self.waiting: list[int] = []

    def kernel_info(self) -> str:  # type: ignore[override]
        self.requests += 1
        self.waiting.append(self.requests)
        if self.requests >= self.start_at:
            for number in self.waiting:
                msg_id = f"k{number}"
                self.shell_channel.queue.append({"msg_type": "kernel_info_reply",
                                                 "parent_header": {"msg_id": msg_id},
                                                 "content": {"protocol_version": "5.4"}})
                if number >= self.connect_at:
                    self.iopub_channel.queue += [
                        {"msg_type": "status", "parent_header": {"msg_id": msg_id},
                         "content": {"execution_state": state}} for state in ("busy", "idle")]
            self.waiting.clear()
        return f"k{self.requests}"

    async def _async_is_alive(self) -> bool:
        return True


@pytest.mark.parametrize("start_at, connect_at, requests", [
    (1, 1, 1),   # up at once
    (1, 3, 3),   # IOPub connects at the third request
    (3, 2, 3),   # three answers queued at once; the first one's statuses lost
    (4, 3, 4),
])
def test_ready_once_answered_and_iopub_brings_a_status_of_any_of_its_requests(start_at,
                                                                              connect_at,
                                                                              requests):
    kernel = _Kernel(start_at, connect_at)
    asyncio.run(kernel.wait_for_ready(timeout=30))
    assert kernel.requests == requests


def test_a_kernel_that_never_connects_iopub_times_out_with_jupyter_clients_words():
    kernel = _Kernel(start_at=1, connect_at=10**9)
    with pytest.raises(RuntimeError, match="Kernel didn't respond in 0.5 seconds"):
        asyncio.run(kernel.wait_for_ready(timeout=0.5))
