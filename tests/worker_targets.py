"""Functions the worker-pool tests run inside worker processes."""

from __future__ import annotations

import os
import time


def behave(action: str, value: str) -> str:
    if action == "sleep":
        time.sleep(float(value))
    elif action == "exit":
        os._exit(3)
    elif action == "raise":
        raise ValueError(value)
    elif action == "allocate":
        return str(len(bytearray(int(value))))
    return f"{value} from {os.getpid()}"
