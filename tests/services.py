"""Reaching the real services tests use: PostgreSQL and Redis on loopback,
an SMTP server started in-process. `.ci/run` sets REDIS_TESTS=required so
that a missing Redis fails the run instead of skipping quietly."""

import os
import socket

import pytest


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_redis(url="redis://127.0.0.1:6379/15"):
    if port_open("127.0.0.1", 6379):
        return url
    message = "Redis is not running on 127.0.0.1:6379"
    if os.environ.get("REDIS_TESTS") == "required":
        pytest.fail(message + " and REDIS_TESTS=required")
    pytest.skip(message)
