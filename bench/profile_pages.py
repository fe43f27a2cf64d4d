"""Time and profile the pages readers open most, in one process, through
Django's test client (no network, no web server): the median time of each page
and, with --profile, where it goes (cProfile, cumulative).

    ENV_FILE=... .venv/bin/python bench/profile_pages.py [--profile PATH] [--runs N]

It reads the database the environment names; load it first with
`manage.py load_scaling_post --comments 1000`. Times are for reading, not for
asserting: they depend on the machine. docs/performance.md records a run.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PAGES = {
    "seed post": "/social-web-kompetenz-a1-mobilkom/",
    "1,000 replies, default page": "/skalierungstest-kommentare/",
    "home page": "/",
    "tag archive": "/tag/datenschutz/",
    "site comment feed": "/comments/feed/",
}


def measure(client, url, runs):
    client.get(url)  # the first request fills per-process caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, HTTP_HOST="127.0.0.1")
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", metavar="URL", help="profile this URL and print the top")
    parser.add_argument("--all-on-one-page", action="store_true", help="COMMENTS_PER_PAGE=1000")
    args = parser.parse_args()
    if args.all_on_one_page:
        os.environ["COMMENTS_PER_PAGE"] = "1000"

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if args.profile:
        client.get(args.profile)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.runs):
            client.get(args.profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        return
    print(f"{'page':32} {'median ms':>10} {'queries':>8}")
    for name, url in PAGES.items():
        median = measure(client, url, args.runs)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{name:32} {median:10.1f} {len(queries):8}")


if __name__ == "__main__":
    main()
