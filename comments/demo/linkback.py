"""The seed's 18th entry: a pingback from the blog of Oliver, who announced in
reply 16 that he would link the post "morgen früh". Its title and address are
neutral placeholders; the excerpt is the seed's."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site

from blog.demo import timeline
from blog.demo.posts import seed_data
from comments.models import Comment

SOURCE_URL = "https://oliver.example.org/"
SOURCE_TITLE = "Olivers Blog"
WHEN = timeline.PINGBACK


def _excerpt():
    reply = next(r for r in seed_data()["replies"] if r["type"] == "pingback")
    text = " ".join(reply["paragraphs"])
    return text.removeprefix("[…]").removesuffix("[…]").strip()


def load(demo):
    post = demo.objects["seed_post"]
    base = {
        "content_type": ContentType.objects.get_for_model(post),
        "object_pk": str(post.pk),
        "kind": Comment.Kind.PINGBACK,
        "user_url": SOURCE_URL,
    }
    if Comment.objects.filter(**base).exists():
        demo.write("Seed pingback kept.")
        return
    Comment(
        **base,
        site=Site.objects.get_current(),
        user_name=SOURCE_TITLE,
        comment=_excerpt(),
        submit_date=WHEN,
        status=Comment.Status.APPROVED,
        status_reason="demo",
        ip_address="127.0.0.1",
    ).save()
    demo.write("Seed pingback created.")
