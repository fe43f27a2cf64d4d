"""Prints the security battery's figures (tests/security/figures.py) after the run."""

import os

from tests.security import figures


def pytest_terminal_summary(terminalreporter):
    rows = figures.recorded()
    if not rows:
        return
    terminalreporter.section("security battery: tried / failed per area")
    for line in figures.table(rows):
        terminalreporter.write_line(line)
    path = os.environ.get("SECURITY_FIGURES_FILE")
    if path:
        figures.write(path)
