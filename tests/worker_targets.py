"""Functions the worker-pool tests run inside worker processes."""

from __future__ import annotations

import logging
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
    elif action == "log":  # as a library (trafilatura) logs inside a worker
        logging.getLogger("tests.worker_targets").warning("%s, said the worker", value)
        logging.getLogger("tests.worker_targets").info("not at INFO: %s", value)
    return f"{value} from {os.getpid()}"
