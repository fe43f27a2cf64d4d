"""Loading the servers and timing them: wrk runs (waiting for calm before and for the
backlog after) and their output, sequential single requests, and the loopback-only HTTP
helpers.
"""

import http.client
import os
import re
import statistics
import subprocess
import time
from urllib.parse import urlsplit

from bench.cpu import TICK, _cores, _foreign, _snapshot

QUIET_MAX = 0.25  # cores used by others below which a run may start
DRAIN_MAX = 0.1  # cores our servers may still use once a run's backlog is done


class Measuring:
    """Bench's measuring methods; Bench provides args, notes and spawn()."""

    def wait_quiet(self, ours):
        """Wait (up to --quiet-wait s) until other processes use < QUIET_MAX cores."""
        start = time.monotonic()
        while True:
            before = _snapshot(ours)
            time.sleep(1)
            if _foreign(before, _snapshot(ours)) < QUIET_MAX:
                break
            if time.monotonic() - start >= self.args.quiet_wait:
                break
        return time.monotonic() - start

    def drain(self, ours):
        """Wait until the servers have worked off what the clients left queued."""
        start = time.monotonic()
        while time.monotonic() - start < self.args.drain_wait:
            before = _snapshot(ours)
            time.sleep(1)
            after = _snapshot(ours)
            if _cores(before, after, own=True) < DRAIN_MAX:
                return
        self.notes.append(f"servers still busy {self.args.drain_wait}s after a run")

    def wrk(self, url, duration, connections):
        cmd = ["wrk", f"-t{self.args.threads}", f"-c{connections}", f"-d{duration}s"]
        cmd += ["--latency", "--timeout", f"{self.args.timeout}s", url]
        proc = self.spawn(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)  # wrk's own CPU: it is gone before we look
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            self.notes.append(f"wrk {url} exited with {proc.returncode}: {output[-300:]!r}")
        return output, (usage.ru_utime + usage.ru_stime) * TICK

    def measure(self, side, duration):
        waited = self.wait_quiet(side.pids)
        before = _snapshot(side.pids)
        output, wrk_ticks = self.wrk(side.url, duration, self.args.connections)
        after = _snapshot(side.pids)
        run = _parse_wrk(output)
        run["foreign"] = _foreign(before, after, extra_ours=wrk_ticks)
        run["waited"] = waited
        side.runs.append(run)
        self.drain(side.pids)

    def single_requests(self, side):
        """Median time of sequential requests, one connection each (as curl)."""
        self.wait_quiet(side.pids)
        ttfbs, totals = [], []
        start = time.monotonic()
        while len(ttfbs) < self.args.samples and (
            len(ttfbs) < 3 or time.monotonic() - start < self.args.sample_time
        ):
            _, headers, _, ttfb, total = _get(side.url)
            ttfbs.append(ttfb * 1000)
            totals.append(total * 1000)
            if "X-Page-Cache" in headers:
                side.page_cache.append(headers["X-Page-Cache"])
        side.ttfb_ms, side.total_ms = statistics.median(ttfbs), statistics.median(totals)


# ---------------------------------------------------------------------- HTTP
def _loopback(url):
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"refusing a non-loopback URL: {url}")
    return url


def _get(url, timeout=120):
    """status, headers, body, seconds to the headers, seconds to the end."""
    parts = urlsplit(_loopback(url))
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    start = time.perf_counter()
    try:
        conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = conn.getresponse()
        first = time.perf_counter() - start
        body = response.read()
        return response.status, response.headers, body, first, time.perf_counter() - start
    finally:
        conn.close()


def _answers(url):
    try:
        _get(url, timeout=10)
    except OSError:
        return False
    return True


# ---------------------------------------------------------------------- wrk output
def _ms(value):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def _parse_wrk(output):
    def find(pattern, convert=float):
        match = re.search(pattern, output, re.MULTILINE)
        return convert(match.group(1)) if match else None

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": find(r"^Requests/sec:\s+([\d.]+)"),
        "p50": find(r"^\s+50%\s+(\S+)", _ms),
        "p99": find(r"^\s+99%\s+(\S+)", _ms),
        "requests": find(r"^\s+(\d+) requests in", int),
        "non2xx": find(r"Non-2xx or 3xx responses: (\d+)", int) or 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
        "raw": output,
    }
