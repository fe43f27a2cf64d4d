"""What an import did, or would do (--dry-run): counts per kind and status,
and every object it skipped or changed, with the reason."""

from collections import Counter
from dataclasses import dataclass, field

_PLURALS = {"author": "authors", "category": "categories", "post": "posts", "comment": "comments"}


@dataclass
class Report:
    dry_run: bool = False
    counts: Counter = field(default_factory=Counter)  # (kind, status, created|updated) → n
    notes: list[str] = field(default_factory=list)
    shortcodes: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def count(self, kind, status, *, created):
        self.counts[(kind, status, "created" if created else "updated")] += 1

    def note(self, text):
        self.notes.append(text)

    def total(self, kind):
        return sum(n for (k, _, _), n in self.counts.items() if k == kind)

    def summary(self):
        """The one line at the end of a run."""
        verb = "would import" if self.dry_run else "imported"
        parts = [f"{self.total(kind)} {plural}" for kind, plural in _PLURALS.items()]
        return f"WXR {verb}: {', '.join(parts)}; {len(self.notes)} notes."

    def lines(self):
        """The whole report, as text lines for the terminal and the admin."""
        out = []
        for (kind, status, how), number in sorted(self.counts.items()):
            out.append(f"{kind:<9} {status:<12} {how:<8} {number:>7}")
        if self.shortcodes:
            names = ", ".join(f"[{name}] ×{n}" for name, n in self.shortcodes.most_common())
            out.append(f"Shortcodes kept as text: {names}")
        out += [f"- {note}" for note in self.notes]
        out += [f"ERROR: {error}" for error in self.errors]
        out.append(self.summary())
        return out
