"""Processes and CPU, read from /proc: the process table and trees, the pids that serve
each side, snapshots of /proc/stat and the foreign load between two, gunicorn workers' RSS,
and ending the children this process started.
"""

import contextlib
import os
import re
import signal
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count() or 1


def _proc_table():
    """pid -> (ppid, comm, cpu ticks incl. reaped children) for every process."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        comm, rest = raw[raw.index("(") + 1 : raw.rindex(")")], raw[raw.rindex(")") + 2 :].split()
        ticks = sum(int(value) for value in rest[11:15])  # utime stime cutime cstime
        table[int(entry.name)] = (int(rest[1]), comm, ticks)
    return table


def _tree(table, roots):
    pids, todo = set(), [pid for pid in roots if pid in table]
    while todo:
        pid = todo.pop()
        pids.add(pid)
        todo += [child for child, (ppid, _, _) in table.items() if ppid == pid]
    return pids


def _stop_own_children():
    """End what this process started and still runs: each child leads its own process
    group (servers.py and spawn() start them so), which is ended as a whole."""
    leaders = [pid for pid, (ppid, _, _) in _proc_table().items() if ppid == os.getpid()]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in leaders:
            with contextlib.suppress(OSError):
                if os.getpgid(pid) == pid:
                    os.killpg(pid, sig)
        deadline = time.monotonic() + 10
        while leaders and time.monotonic() < deadline:
            for pid in list(leaders):
                with contextlib.suppress(ChildProcessError):
                    if os.waitpid(pid, os.WNOHANG)[0] == 0:
                        continue
                leaders.remove(pid)
            time.sleep(0.1)


def _pidfile(path):
    with contextlib.suppress(OSError, ValueError):
        return int(Path(path).read_text().split()[0])
    return None


def _wordpress_pids(table):
    """nginx and php-fpm (from their pid files, with their workers) and MariaDB."""
    roots = [_pidfile("/run/nginx.pid")] + [_pidfile(p) for p in Path("/run/php").glob("*.pid")]
    pids = _tree(table, [pid for pid in roots if pid])
    return pids | {pid for pid, (_, comm, _) in table.items() if comm == "mariadbd"}


def _server_pids(bench, names, database=True):
    """The processes of our servers `names`, with their children; with `database`, also
    the PostgreSQL backends of our database, and Redis."""

    def pids(table):
        roots = [bench.servers[name].proc.pid for name in names if name in bench.servers]
        found = _tree(table, roots)
        if database and bench.pg_name:
            for pid, (_, comm, _) in table.items():
                if comm == "redis-server" or (comm == "postgres" and _is_backend(pid, bench)):
                    found.add(pid)
        return found

    return pids


def _is_backend(pid, bench):
    with contextlib.suppress(OSError):
        return f" {bench.pg_name} " in Path(f"/proc/{pid}/cmdline").read_text()
    return False


def _snapshot(ours):
    """(busy ticks, total ticks, ticks of our processes), all machine-wide."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = values
    # softirq is left out of both: on loopback it is mostly the benchmark's own traffic
    # (a quarter of a core at 30,000 req/s), which the kernel charges to no process.
    busy = user + nice + system + irq + steal
    table = _proc_table()
    return busy, busy + softirq + idle + iowait, sum(table[pid][2] for pid in ours(table))


def _cores(before, after, own=False):
    elapsed = (after[1] - before[1]) / NCPU
    if elapsed <= 0:
        return 0.0
    used = after[2] - before[2] if own else after[0] - before[0]
    return used / elapsed


def _foreign(before, after, extra_ours=0):
    """Cores used by everything but our processes (and wrk) between two snapshots."""
    elapsed = (after[1] - before[1]) / NCPU
    if elapsed <= 0:
        return 0.0
    return max(0.0, ((after[0] - before[0]) - (after[2] - before[2]) - extra_ours) / elapsed)


def _worker_rss(server):
    table = _proc_table()
    rss = []
    for pid, (ppid, _, _) in table.items():
        if ppid == server.proc.pid:
            with contextlib.suppress(OSError):
                status = Path(f"/proc/{pid}/status").read_text()
                rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sorted(rss)
