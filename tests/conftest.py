"""Shared pytest fixtures: the test suite must never touch the network."""
from __future__ import annotations

import ipaddress
import socket

import pytest

# fixture modules shared by several test folders
pytest_plugins = ["answer_fixtures", "quiz_fixtures", "exam_fixtures", "records_fixtures", "study_fixtures",
                  "office_fixtures", "deploy_fixtures"]

_ATTEMPTS: list[str] = []


def _is_local(family: int, address) -> bool:
    if family == getattr(socket, "AF_UNIX", object()):
        return True
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:  # a host name other than localhost
        return False


class NetworkBlockedError(RuntimeError):
    """Raised by the network blocker; a RuntimeError so OSError handlers do not hide it."""


@pytest.fixture(autouse=True, scope="session")
def _block_network():
    """Make ``socket.connect``/``connect_ex`` to non-loopback addresses raise.

    Session-scoped so that session fixtures (model loading) are covered too; attempts are
    recorded so ``_no_network_attempts`` fails a test even if a library swallowed the error.
    """
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(sock, address):
        if not _is_local(sock.family, address):
            _ATTEMPTS.append(repr(address))
            raise NetworkBlockedError(f"network access blocked in tests: {address!r}")

    def connect(self, address):
        guard(self, address)
        return real_connect(self, address)

    def connect_ex(self, address):
        guard(self, address)
        return real_connect_ex(self, address)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", connect)
        mp.setattr(socket.socket, "connect_ex", connect_ex)
        yield


@pytest.fixture(autouse=True)
def _no_network_attempts(_block_network):
    before = len(_ATTEMPTS)
    yield
    new = _ATTEMPTS[before:]
    assert not new, f"test tried to reach the network: {new}"
