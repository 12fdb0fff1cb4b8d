"""Addresses: the base URL of what `comptoir serve` serves (for links in emails), and loopback helpers for
what starts servers of its own (the benchmark, the tests of real servers)."""

import socket
import time

LOOPBACK = "127.0.0.1"
# Listening on every interface names no address a link could use: the machine's own name is the one
# other machines on the dealership's network are likeliest to reach (127.0.0.1 would only work here).
_EVERY_INTERFACE = {"", "0.0.0.0", "::", "[::]", "*"}


def served_url(host: str, port: int | str) -> str:
    """The base URL of what `comptoir serve --host host --port port` serves, for links in emails."""
    host = (host or "").strip()
    if host in _EVERY_INTERFACE:
        host = socket.gethostname() or LOOPBACK
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    return f"http://{host}:{port}"


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_listening(port: int, process=None, *, seconds: float = 30) -> None:
    """Wait until something accepts connections on the port; raise if `process` exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port} after {seconds:.0f} s")
