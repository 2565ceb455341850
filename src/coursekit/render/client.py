"""The render's kernel client: ready as soon as the kernel has answered, not 0.2 s later.

jupyter_client's ``wait_for_ready`` sends ``kernel_info`` until a reply comes and
some IOPub message shows that IOPub is connected, and then drains IOPub until
it has been silent for 0.2 s. Those 0.2 s are paid by every kernel, started or
warm (about half of a warm kernel's start, measured with a kernel manager
timing ``start_kernel``, ``wait_for_ready`` and shutdown). :class:`RenderKernelClient`
returns as soon as the two facts hold: a reply came, and IOPub brought a status
of one of its requests. What is left in the channels belongs to those
``kernel_info`` requests, and nbclient, which reads only the messages of its
own requests, passes over them.

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

    async def _iopub_from(self, sent: set[str]) -> bool:
        """True once IOPub brings a status of one of our ``sent`` requests (IOPub is connected);
        False after :data:`IOPUB_GAP` of silence."""
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=IOPUB_GAP)
            except Empty:
                return False
            if (msg.get("msg_type") == "status"
                    and msg.get("parent_header", {}).get("msg_id") in sent):
                return True

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        """Return once the kernel answered ``kernel_info`` and its IOPub is connected.

        Any of our requests counts, answer and status alike: a kernel slow to connect IOPub
        loses the statuses of the first requests while their answers wait on the shell
        channel, and waiting for one request's own status would fall behind for good.
        """
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        sent: set[str] = set()
        answer: Any = None
        while True:
            sent.add(self.kernel_info())
            if answer is None:
                try:
                    reply: Any = await self.shell_channel.get_msg(timeout=REPLY_WAIT)
                except Empty:
                    reply = None
                if reply is not None and reply.get("msg_type") == "kernel_info_reply":
                    answer = reply
            if answer is not None and await self._iopub_from(sent):
                self._handle_kernel_info_reply(answer)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
