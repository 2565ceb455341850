"""The render's kernel client: ready as soon as the kernel has answered, not 0.2 s later.

jupyter_client's ``wait_for_ready`` sends ``kernel_info`` until a reply comes and
some IOPub message shows that IOPub is connected, and then drains IOPub until
it has been silent for 0.2 s. Those 0.2 s are paid by every kernel, started or
warm (measured in ``benchmarks/bench_warm.py``'s first-cell row: about half of
a warm kernel's whole start). :class:`RenderKernelClient` waits for exactly the
messages that matter instead: the reply, then the ``idle`` status of that
request on IOPub, which the kernel sends after everything else of it. IOPub is
ordered, so nothing of the start-up is left behind it; a message of an earlier
``kernel_info`` that arrives later has another parent and nbclient, which reads
only the replies to its own requests, passes over it.

The errors keep jupyter_client's wording, which the render's retry of a kernel
that failed to start recognises (:func:`coursekit.render.job._is_start_failure`).
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient

#: Seconds without an IOPub message after which IOPub counts as not yet connected
#: (jupyter_client's own figure): the request is sent again.
IOPUB_GAP = 0.2
#: Seconds to wait for the reply to one ``kernel_info`` request before sending another.
REPLY_WAIT = 1.0


class RenderKernelClient(AsyncKernelClient):
    """An asynchronous kernel client whose :meth:`wait_for_ready` ends on the kernel's answer."""

    async def _idle_after(self, msg_id: str) -> bool:
        """True once IOPub shows ``msg_id`` done; False after :data:`IOPUB_GAP` of silence."""
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=IOPUB_GAP)
            except Empty:
                return False
            if (msg.get("msg_type") == "status"
                    and msg.get("parent_header", {}).get("msg_id") == msg_id
                    and msg.get("content", {}).get("execution_state") == "idle"):
                return True

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        """Return once the kernel answered ``kernel_info`` and its IOPub is connected."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply: Any = await self.shell_channel.get_msg(timeout=REPLY_WAIT)
            except Empty:
                reply = None
            if (reply is not None and reply.get("msg_type") == "kernel_info_reply"
                    and await self._idle_after(reply["parent_header"].get("msg_id"))):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
