"""Import a generated WordPress export with many comments into a fresh SQLite
database and print the time and the peak memory of the importing process.

    .venv/bin/python bench/import_wxr.py [--comments 100000] [--posts 100] [--keep DIR]

The file is written with comments/wordpress/wxr_writer.py (as WordPress's
export.php writes it): `--posts` posts share the comments, a third of them
replies, some two levels deep. The import runs `manage.py import_wxr` in a
process of its own, on a database migrated first; the peak is that process's
maximum resident set (getrusage in that process). Target (issue 14): 100,000
comments in under 2 minutes, peak under 300 MB.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def generate(path, *, posts, comments):
    from comments.wordpress import wxr_writer
    from comments.wordpress.records import Author, Channel, Item, Term
    from comments.wordpress.records import Comment as WpComment

    start = datetime(2009, 1, 1, 8)
    per_post = comments // posts

    def post_comments(post_number):
        first_id = post_number * per_post + 1
        for offset in range(per_post):
            wp_id = first_id + offset
            parent = 0
            if offset % 3 == 1:
                parent = wp_id - 1
            elif offset % 9 == 2:
                parent = wp_id - 1  # a reply to a reply
            date = start + timedelta(days=post_number, minutes=offset)
            yield WpComment(
                wp_id=wp_id,
                author=f"Leserin {wp_id}",
                author_email=f"leserin{wp_id}@example.org",
                author_url="https://leserin.example/" if offset % 5 == 0 else "",
                date=date + timedelta(hours=1),
                date_gmt=date,
                content=f"Kommentar {wp_id}: ein <strong>kurzer</strong> Text\nmit Zeilen.",
                parent=parent,
            )

    def items():
        for number in range(posts):
            date = start + timedelta(days=number)
            yield Item(
                wp_id=10_000_000 + number,
                post_type="post",
                status="publish",
                title=f"Beitrag {number}",
                link=f"https://alt.example.org/{date:%Y/%m}/beitrag-{number}/",
                slug=f"beitrag-{number}",
                creator="luca",
                content="<p>Ein Absatz.</p>\n\n<p>Noch einer.</p>",
                date=date,
                date_gmt=date,
                comments=list(post_comments(number)),
            )

    channel = Channel(title="Benchmark", link="https://alt.example.org")
    authors = [Author(wp_id=1, login="luca", display_name="Luca Hammer")]
    terms = [Term("category", "allgemein", "Allgemein", wp_id=1)]
    with open(path, "w", encoding="utf-8") as out:
        wxr_writer.write(out, channel, authors, terms, items())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--keep", help="a folder to keep the file and database in")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="wxr-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env_file = folder / "bench.env"
    env_file.write_text("")
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": str(env_file),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "TASKS_BACKEND": "immediate",
        "LINKBACKS_SEND": "false",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings"})
    os.environ.update({k: env[k] for k in ("ENV_FILE", "SECRET_KEY", "DATABASE_URL")})
    import django

    django.setup()
    wxr = folder / "bench.xml"
    began = time.perf_counter()
    generate(wxr, posts=args.posts, comments=args.comments)
    print(
        f"wrote {wxr} ({wxr.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - began:.1f} s"
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=REPO, env=env, check=True)
    subprocess.run([*manage, "load_demo", "-v0"], cwd=REPO, env=env, check=True)
    began = time.perf_counter()
    # manage.py in a process that reports its own peak as it ends.
    measured = (
        "import resource, runpy, sys\n"
        f"sys.argv = ['manage.py', 'import_wxr', {str(wxr)!r}, '-v0']\n"
        "try:\n    runpy.run_path('manage.py', run_name='__main__')\n"
        "finally:\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    print(f'PEAK {peak}', file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", measured],
        cwd=REPO,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - began
    peaks = [line for line in done.stderr.splitlines() if line.startswith("PEAK ")]
    peak_mb = int(peaks[-1].split()[1]) / 1024 if peaks else float("nan")
    print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-2000:])
    print(f"import: {args.comments:,} comments in {seconds:.1f} s, peak memory {peak_mb:.0f} MB")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
