"""The seed post (a 2009 WordPress post, see data/seed.json) and a few more,
so that listings, tags and archives have something to show."""

import datetime
import json
from pathlib import Path

from django.utils.html import escape

from blog.demo import timeline
from blog.demo.timeline import VIENNA
from blog.models import BlogCategory, BlogPage

DATA = Path(__file__).with_name("data")
# The copy keeps no date; timeline.py reads one from the texts.
SEED_DATE = timeline.POST
SEED_SLUG = "social-web-kompetenz-a1-mobilkom"

CATEGORIES = {
    "social-web": ("Social Web", "Wie Unternehmen und Menschen im Netz miteinander reden."),
    "datenschutz": (
        "Datenschutz",
        "Was mit unseren Daten passiert, und was nicht passieren sollte.",
    ),
    "in-eigener-sache": ("In eigener Sache", "Neues aus diesem Blog."),
}

MORE_POSTS = [
    {
        "slug": "bcc-ist-kein-hexenwerk",
        "title": "BCC ist kein Hexenwerk",
        "date": datetime.datetime(2009, 5, 20, 9, 15, tzinfo=VIENNA),
        "category": "datenschutz",
        "tags": ["E-Mail", "Datenschutz", "Newsletter"],
        "paragraphs": [
            "Nach der Sache mit A1 haben mich einige gefragt, wie man eine Mail an viele "
            "Empfänger schickt, ohne alle Adressen offenzulegen. Die kurze Antwort: gar nicht "
            "von Hand.",
            "Wer regelmäßig an mehr als eine Handvoll Leute schreibt, nimmt ein Newsletter-"
            "Werkzeug, das jede Nachricht einzeln zustellt. Jede Empfängerin bekommt genau eine "
            "Mail, mit genau einer Adresse im An-Feld.",
        ],
    },
    {
        "slug": "twitter-fuer-unternehmen",
        "title": "Twitter für Unternehmen: zuhören vor dem Reden",
        "date": datetime.datetime(2009, 6, 3, 18, 0, tzinfo=VIENNA),
        "category": "social-web",
        "tags": ["Twitter", "Social Web", "Monitoring"],
        "paragraphs": [
            "Viele Firmen legen sich gerade einen Twitter-Account an und fangen sofort an zu "
            "senden. Besser wäre es, zuerst ein paar Wochen zuzuhören: Wer spricht über uns, "
            "in welchem Ton, und wo?",
            "Brand Monitoring ist keine Raketenwissenschaft. Eine gespeicherte Suche und "
            "jemand, der sie täglich liest, reichen für den Anfang.",
        ],
    },
    {
        "slug": "neues-kommentarsystem",
        "title": "Neues Kommentarsystem",
        "date": datetime.datetime(2010, 1, 8, 12, 30, tzinfo=VIENNA),
        "category": "in-eigener-sache",
        "tags": ["Blog", "Kommentare"],
        "paragraphs": [
            "Ab heute könnt ihr hier auch mit eurem Facebook-Konto kommentieren. Eure "
            "E-Mail-Adresse bleibt wie immer unsichtbar.",
        ],
    },
]


def seed_data():
    return json.loads((DATA / "seed.json").read_text(encoding="utf-8"))


# The copy lost the screenshot that followed this line; the demo says so.
MISSING_IMAGE_AFTER = "Auf Facebook bin ich dann noch auf folgende Konversation gestoßen:"
MISSING_IMAGE = "[Bild nicht erhalten: ein Screenshot der Unterhaltung auf Facebook]"


def _paragraph(html):
    return {"type": "paragraph", "value": f"<p>{html}</p>"}


def _body(paragraphs):
    blocks = []
    for text in paragraphs:
        blocks.append(_paragraph(escape(text).replace("\n", "<br/>")))
        if text == MISSING_IMAGE_AFTER:
            blocks.append(_paragraph(f"<em>{escape(MISSING_IMAGE)}</em>"))
    return blocks


def _categories():
    result = {}
    for slug, (name, description) in CATEGORIES.items():
        result[slug], _ = BlogCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    return result


def add_post(demo, *, slug, title, date, paragraphs, category, tags, intro=""):
    home = demo.objects["home"]
    existing = BlogPage.objects.child_of(home).filter(slug=slug).first()
    if existing is not None:
        demo.write(f"Kept the post “{title}”.")
        return existing
    post = BlogPage(
        title=title,
        slug=slug,
        date=date,
        intro=intro,
        author=demo.objects["author:luca"],
        body=_body(paragraphs),
    )
    home.add_child(instance=post)
    post.categories.set([category] if category else [])
    post.tags.set(tags)
    revision = post.save_revision(user=demo.objects["author:luca"])
    revision.publish()
    post.refresh_from_db()
    BlogPage.objects.filter(pk=post.pk).update(first_published_at=date, last_published_at=date)
    demo.write(f"Created the post “{title}”.")
    return post


def load(demo):
    categories = _categories()
    seed = seed_data()
    demo.objects["seed_post"] = add_post(
        demo,
        slug=SEED_SLUG,
        title=seed["title"],
        date=SEED_DATE,
        paragraphs=seed["body_paragraphs"],
        category=categories["social-web"],
        tags=["A1", "Datenschutz", "E-Mail", "Social Web"],
    )
    for data in MORE_POSTS:
        add_post(
            demo,
            slug=data["slug"],
            title=data["title"],
            date=data["date"],
            paragraphs=data["paragraphs"],
            category=categories[data["category"]],
            tags=data["tags"],
        )
