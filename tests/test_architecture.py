"""The layering rule, read from the source: no import cycle between the
project's modules, services never import tasks, and blog uses only the public
surface of comments. Imports inside functions count as much as top-level ones,
so a cycle cannot hide in a function body."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("blog", "comments", "config")
# What views, admin pages and feeds of blog may use of comments.
COMMENTS_PUBLIC = {
    "comments.feeds",
    "comments.thread",
    "comments.linkbacks.advertise",
    "comments.federation.advertise",
}
# The top layer: modules that may queue background work themselves.
TOP_LAYER_NAMES = {"tasks", "views", "urls", "apps", "wagtail_hooks"}


def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules():
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(name):
    """The project module an import names, or None for anything outside."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(name, path):
    tree = ast.parse(path.read_text(), filename=str(path))
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name if is_package else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    anchor = anchor.rpartition(".")[0]
                base = f"{anchor}.{base}".strip(".")
            # `from package import module` names the module, not the package.
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(t for t in map(_resolve, targets) if t and t != name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_the_graph_is_read_from_the_real_modules():
    assert "comments.moderation.pipeline" in MODULES
    assert "comments.moderation.spam" in GRAPH["comments.moderation.pipeline"]
    assert "comments.models" in GRAPH["comments.posting"]


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_project_modules():
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("comments")))
def test_services_never_import_tasks(name):
    """Views and tasks are the top; everything below announces, tasks queue."""
    last = name.rpartition(".")[2]
    if last in TOP_LAYER_NAMES or ".management." in name:
        return
    assert not {n for n in GRAPH[name] if n.rpartition(".")[2] == "tasks"}


def test_blog_uses_only_the_public_surface_of_comments():
    used = {
        target
        for name, targets in GRAPH.items()
        if name.startswith("blog")
        for target in targets
        if target.startswith("comments")
    }
    assert used <= COMMENTS_PUBLIC, used - COMMENTS_PUBLIC
