"""A post with many comments, for benchmarks: the same shape as the WordPress
anchor's scaling post (../shared/bench/wordpress/seed.php), so that both blogs
render the same discussion. Per five comments: three threads, then a reply to
the third and a reply to that reply."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.db import transaction

from blog.demo import load_all, timeline
from blog.demo.posts import add_post
from comments.models import Comment

SLUG = "skalierungstest-kommentare"
FIRST = ["Anna", "Bernhard", "Carina", "Daniel", "Elisabeth", "Franz", "Gabriele", "Harald",
         "Ingrid", "Johann", "Karin", "Leopold", "Maria", "Norbert", "Otto", "Renate",
         "Sebastian", "Theresa", "Ulrich", "Veronika"]  # fmt: skip
LAST = ["Berger", "Eder", "Fischer", "Hofbauer", "Koller", "Lang", "Maier", "Nemeth",
        "Oberhauser", "Pölzl", "Riedl", "Schmid", "Trummer", "Unger", "Vogl", "Wagner",
        "Zauner"]  # fmt: skip
SENTENCES = [
    "Ich habe das gestern ausprobiert und kann die Beobachtung bestätigen.",
    "Bei mir war es genau umgekehrt, vielleicht liegt es an der Region.",
    "Gibt es dazu schon eine offizielle Stellungnahme?",
    "Danke für die ausführliche Zusammenfassung, das spart viel Sucherei.",
    "Mich würde interessieren, wie sich das über mehrere Monate entwickelt.",
    "Das sehe ich ähnlich, auch wenn ich die Schlussfolgerung etwas zu streng finde.",
    "Wir hatten im Büro eine längere Diskussion darüber und kamen zu keinem Ergebnis.",
    "Ein Link zu den Quellen wäre hilfreich, damit man das nachprüfen kann.",
    "Kurz gesagt: Es funktioniert, aber nicht immer und nicht überall.",
    "Vielleicht sollte man das Thema in einem eigenen Beitrag vertiefen.",
]
START = datetime.datetime(2009, 4, 2, 8, 0, tzinfo=timeline.VIENNA)


def _text(i):
    return " ".join(SENTENCES[(i * 7 + k * 3) % len(SENTENCES)] for k in range(2 + i % 3))


def load(count, write=print):
    """The demo, then the scaling post with `count` approved comments (kept if it has them)."""
    demo = load_all(lambda line: None)
    post = add_post(
        demo,
        slug=SLUG,
        title=f"Skalierungstest mit {count} Kommentaren",
        date=START,
        paragraphs=[
            "Dieser Beitrag dient als Lasttest: Er trägt eine große Zahl von Kommentaren, "
            "teilweise verschachtelt, damit man sieht, wie sich die Darstellungszeit mit der "
            "Länge der Diskussion entwickelt.",
            "Der Text selbst ist kurz gehalten, damit die Messung vor allem die "
            "Kommentarliste erfasst.",
        ],
        category=None,
        tags=["Test", "Kommentare"],
    )
    base = {
        "content_type": ContentType.objects.get_for_model(post),
        "object_pk": str(post.pk),
        "site": Site.objects.get_current(),
    }
    have = Comment.objects.filter(**base).count()
    with transaction.atomic():
        previous = None
        for i in range(have + 1, count + 1):
            reply = i % 5 in (4, 0) and i > 1 and previous is not None
            comment = Comment(
                **base,
                user_name=f"{FIRST[i % len(FIRST)]} {LAST[i // len(FIRST) % len(LAST)]} ({i})",
                user_email=f"leser{i}@example.invalid",
                comment=_text(i),
                submit_date=START + datetime.timedelta(minutes=30 + 10 * i),
                parent_id=previous.pk if reply else 0,
                status=Comment.Status.APPROVED,
                status_reason="demo",
                ip_address="127.0.0.1",
            )
            comment.save()
            previous = comment
    write(f"{post.url}: {max(count, have)} comments ({max(0, count - have)} new).")
    return post
