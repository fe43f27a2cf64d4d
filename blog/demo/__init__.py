"""Demo content, loaded part by part by `manage.py load_demo`.

Each part is a module with `load(demo)`; later apps add their modules to
PARTS (comments add the seed post's replies after the posts exist). Every
part must be idempotent: running the command twice changes nothing.
"""

from dataclasses import dataclass, field
from importlib import import_module

PARTS = [
    "blog.demo.site",
    "blog.demo.authors",
    "blog.demo.posts",
    "comments.demo",
]


@dataclass
class Demo:
    """What the parts share: output, and the objects that earlier parts made."""

    write: callable
    objects: dict = field(default_factory=dict)


def load_all(write):
    demo = Demo(write=write)
    for name in PARTS:
        import_module(name).load(demo)
    return demo
