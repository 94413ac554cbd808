"""A ceiling on the memory one piece of work may take, for reading files people upload.

``memory_limit(extra)`` lets the process grow by at most ``extra`` bytes of address
space while the block runs (``RLIMIT_AS``); going over raises ``MemoryError`` in the
block instead of the machine running out of memory or the kernel killing the worker.
The earlier limit comes back afterwards. Where the platform has no such limit it does
nothing.
"""

import contextlib
import os

try:
    import resource
except ImportError:  # not on every platform
    resource = None  # type: ignore[assignment]


def address_space() -> int:
    """The process's virtual memory size in bytes (Linux), or 0 where it is not known."""
    try:
        with open(f"/proc/{os.getpid()}/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@contextlib.contextmanager
def memory_limit(extra: int):
    current = address_space()
    if resource is None or not current:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = current + extra
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    if soft != resource.RLIM_INFINITY:
        ceiling = min(ceiling, soft)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
