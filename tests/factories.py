import datetime

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from blog.models import BlogCategory, BlogIndexPage, BlogPage
from comments.federation.models import RemoteActor


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"author{n}")
    first_name = "Luca"
    last_name = factory.Sequence(lambda n: f"Hammer{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")


class BlogCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlogCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class BlogIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = BlogIndexPage

    title = "Kommentar"
    slug = factory.Sequence(lambda n: f"blog-{n}")


class BlogPageFactory(wagtail_factories.PageFactory):
    """A live post. Pass `tags=[...]` and `categories=[...]` to tag it."""

    class Meta:
        model = BlogPage
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-{n}")
    # Later posts are newer, as they are on a real blog.
    date = factory.Sequence(
        lambda n: timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(seconds=n)
    )
    author = factory.SubFactory(UserFactory)
    intro = factory.LazyAttribute(lambda post: f"Excerpt of {post.title}")
    body = factory.LazyAttribute(
        lambda post: [{"type": "paragraph", "value": f"<p>Body of {post.title}</p>"}]
    )

    @factory.post_generation
    def tags(post, create, extracted, **kwargs):
        if extracted:
            post.tags.set(extracted)
            post.save()

    @factory.post_generation
    def categories(post, create, extracted, **kwargs):
        if extracted:
            post.categories.set(extracted)
            post.save()


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved guest comment on `post` (pass post=...)."""

    class Meta:
        model = "comments.Comment"
        exclude = ("post",)

    post = None
    content_type = factory.LazyAttribute(lambda c: ContentType.objects.get_for_model(c.post))
    object_pk = factory.LazyAttribute(lambda c: str(c.post.pk))
    site_id = 1
    user_name = factory.Sequence(lambda n: f"Reader {n}")
    user_email = factory.Sequence(lambda n: f"reader{n}@example.org")
    comment = factory.Sequence(lambda n: f"Comment number {n}")
    submit_date = factory.LazyFunction(timezone.now)
    status = "approved"
    ip_address = factory.Sequence(lambda n: f"192.0.2.{n % 250 + 1}")


class RemoteActorFactory(factory.django.DjangoModelFactory):
    """An account on another server, as the blog stored it (nothing fetched)."""

    class Meta:
        model = RemoteActor

    class Params:
        icon = True
        icon_host = None  # the picture's server, if not the account's

    preferred_username = factory.Sequence(lambda n: f"person{n}")
    host = "social.example"
    name = "Ada Lovelace"
    uri = factory.LazyAttribute(lambda a: f"https://{a.host}/users/{a.preferred_username}")
    inbox = factory.LazyAttribute(lambda a: f"{a.uri}/inbox")
    url = factory.LazyAttribute(lambda a: f"https://{a.host}/@{a.preferred_username}")
    icon_url = factory.LazyAttribute(
        lambda a: (
            f"https://{a.icon_host or a.host}/avatars/{a.preferred_username}.png" if a.icon else ""
        )
    )
