"""The markdown report of a run: the machine it ran on, the table of ratios and targets,
each run's numbers, and the gunicorn workers' memory and start-up time.
"""

import datetime
import importlib.metadata
import platform
import subprocess
from pathlib import Path

from bench.cpu import NCPU

RSS_TARGET_MB = 150
FIRST_ANSWER_TARGET_S = 3.0
GUNICORNS = ("app", "onepage", "cached")  # Kommentar's app servers, by what they serve


# ---------------------------------------------------------------------- report
def _onepage_duration(args):
    return args.duration_onepage or max(2 * args.duration, 30)


def _fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def _output(*cmd):
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _machine():
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "?")
    packages = ["wordpress", "nginx", "php8.2-fpm", "mariadb-server", "postgresql", "wrk"]
    versions = [f"{p} {_output('dpkg-query', '-W', '-f=${Version}', p) or '–'}" for p in packages]
    return [
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- `{_output('uname', '-a')}`",
        f"- CPU: {cpu}, {NCPU} cores",
        f"- Python {platform.python_version()}, Django {importlib.metadata.version('Django')}, "
        f"Wagtail {importlib.metadata.version('wagtail')}, "
        f"gunicorn {importlib.metadata.version('gunicorn')}",
        f"- {', '.join(versions)}",
    ]


def _report(args, rows, bench):
    lines = ["# Kommentar against the WordPress anchor", "", *_machine(), ""]
    lines += [
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency "
        f"(1,000 replies on one page: -d{_onepage_duration(args)}s), "
        f"{args.runs} run(s) per side (median shown), WordPress and Kommentar alternating; "
        f"Kommentar: gunicorn --workers {args.workers} --preload, {args.database}.",
        "",
        "| page | WordPress req/s | Kommentar req/s | ratio | target | met? | foreign load "
        "(cores, WP / K) |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for row, sides in rows:
        kommentar = sides[-1]
        anchor = sides[0] if len(sides) == 2 else None
        ratio = None
        if anchor and anchor.rps() and kommentar.rps() is not None:
            ratio = kommentar.rps() / anchor.rps()
        target = f"≥{row.target:g}×" if row.target else "–"
        met = "–" if ratio is None or not row.target else ("yes" if ratio >= row.target else "no")
        foreign = " / ".join(
            _fmt(max((run["foreign"] for run in side.runs), default=None) if side else None, 2)
            for side in (anchor, kommentar)
        )
        lines.append(
            f"| {row.label} | {_fmt(anchor.rps() if anchor else None)} | "
            f"{_fmt(kommentar.rps())} | {_fmt(ratio, 2)}{'×' if ratio else ''} | {target} | "
            f"{met} | {foreign} |"
        )
    lines += [
        "",
        "| page | side | URL | status | bytes | req/s | p50 ms | p99 ms | requests | non-2xx "
        "| socket errors | single request ms (first byte / total) |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row, sides in rows:
        for side in sides:
            runs = side.runs or [{}]
            for run in runs:
                lines.append(
                    f"| {row.key} | {side.name} | {side.url} | {side.status} | "
                    f"{_fmt(side.bytes, 0)} | {_fmt(run.get('rps'))} | {_fmt(run.get('p50'))} | "
                    f"{_fmt(run.get('p99'))} | {_fmt(run.get('requests'), 0)} | "
                    f"{run.get('non2xx', '–')} | {run.get('socket_errors', '–')} | "
                    f"{_fmt(side.ttfb_ms)} / {_fmt(side.total_ms)} |"
                )
    lines += [
        "",
        "| Kommentar server | RSS per worker (MB) | first answer (s) |",
        "|---|---|---:|",
    ]
    for name, server in bench.servers.items():
        if name in GUNICORNS:
            rss = ", ".join(f"{mb:.0f}" for mb in bench.rss.get(name, [])) or "–"
            lines.append(f"| {name} | {rss} | {_fmt(server.first_answer_seconds, 2)} |")
    worst = max((mb for rss in bench.rss.values() for mb in rss), default=None)
    first = max(
        (s.first_answer_seconds for n, s in bench.servers.items() if n in GUNICORNS),
        default=None,
    )
    lines += [
        "",
        f"- RSS per gunicorn worker after the runs: at most {_fmt(worst, 0)} MB "
        f"(target ≤{RSS_TARGET_MB} MB: "
        f"{'met' if worst is not None and worst <= RSS_TARGET_MB else 'not met'}).",
        f"- gunicorn start to first answer: at most {_fmt(first, 2)} s (target "
        f"≤{FIRST_ANSWER_TARGET_S:g} s: "
        f"{'met' if first is not None and first <= FIRST_ANSWER_TARGET_S else 'not met'}).",
        "- foreign load: CPU cores used by other processes (and VM steal) during a wrk run; "
        "runs above ~0.2 were disturbed.",
    ]
    lines += [f"- note: {note}" for note in dict.fromkeys(bench.notes)]
    return "\n".join(lines) + "\n"
