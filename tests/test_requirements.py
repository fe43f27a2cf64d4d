"""Every package the code imports is pinned in a requirements file by name,
not only reached through another package's dependencies (issue 13)."""

import json
import re
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN = {"blog", "comments", "config", "tests", "bench"}


_SCAN = """
import ast, json, sys
from pathlib import Path
found = set()
for folder in sys.argv[2:]:
    for path in (Path(sys.argv[1]) / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
print(json.dumps(sorted(found)))
"""


def _imported_modules():
    """Read in a process of its own: CPython 3.11.7's parser can trip over the
    recursion count that threads left by earlier tests share with it."""
    scan = subprocess.run(
        [sys.executable, "-c", _SCAN, str(ROOT), *sorted(OWN)],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(scan.stdout)) - OWN - set(sys.stdlib_module_names)


def _pinned():
    names = set()
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            found = re.match(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?==", line.strip())
            if found:
                names.add(found[1].lower().replace("_", "-"))
    return names


def test_every_imported_package_is_pinned():
    distributions = packages_distributions()
    pinned = _pinned()
    missing = {
        module: distributions.get(module, ["?"])
        for module in _imported_modules()
        if not {d.lower().replace("_", "-") for d in distributions.get(module, [])} & pinned
    }
    assert not missing, f"imported but not pinned by name: {missing}"
