"""Real Chromium (Debian's package) driven by Playwright's sync API.

Browser tests skip, with one loud line, where no Chromium is installed;
BROWSER_TESTS=required (set by .ci/run) turns that into a failure.
"""

import os

import pytest

from tests.helpers import INSTALL_HINT, chromium_path

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if chromium_path():
        return
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items:
        return
    if os.environ.get("BROWSER_TESTS") == "required":
        raise pytest.UsageError(
            f"BROWSER_TESTS=required but no Chromium was found; {INSTALL_HINT}"
        )
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    line = f"!!! {len(browser_items)} BROWSER TESTS SKIPPED: no Chromium found; {INSTALL_HINT}"
    if reporter:
        reporter.write_line(line, yellow=True, bold=True)
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=line))
