"""The security battery's figures: each check records what it tried and how
many of those failed, before it asserts; tests/security/conftest.py prints
them as a table at the end of the run (and writes them to
`SECURITY_FIGURES_FILE` when that is set), so the README's figures come from
the suite itself.

    from tests.security import figures
    figures.record("XSS", "payload executions in Chromium", tried=len(payloads), failed=hits)
"""

import json
import os
from dataclasses import asdict, dataclass


@dataclass
class Figure:
    area: str
    check: str
    tried: int
    failed: int
    database: str = ""


_figures: list[Figure] = []


def _database():
    url = os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres", "pgsql")) else "sqlite"


def record(area, check, *, tried, failed, database=None):
    """One line of the table: `failed` of `tried` went wrong (0 is the goal).
    `database` defaults to the test database of this run."""
    if tried < 0 or failed < 0 or failed > tried:
        raise ValueError(f"impossible figure: {failed} failed of {tried} tried")
    _figures.append(Figure(area, check, int(tried), int(failed), database or _database()))


def recorded():
    return list(_figures)


def table(rows):
    """The figures as plain text lines, one per (area, check, database)."""
    merged = {}
    for row in rows:
        key = (row.area, row.check, row.database)
        tried, failed = merged.get(key, (0, 0))
        merged[key] = (tried + row.tried, failed + row.failed)
    width = max([len(f"{a}: {c}") for a, c, _ in merged] + [20])
    lines = [f"{'area: check':<{width}}  {'db':<10} {'tried':>7} {'failed':>6}"]
    for (area, check, database), (tried, failed) in merged.items():
        lines.append(f"{area + ': ' + check:<{width}}  {database:<10} {tried:>7} {failed:>6}")
    return lines


def write(path):
    with open(path, "w", encoding="utf-8") as out:
        json.dump([asdict(row) for row in _figures], out, indent=1)
