"""Every change a reader could see moves a version forward (versions.py).
Saves and deletes of comments and pages announce themselves through Django's
and Wagtail's signals; a comment queryset's update() does so itself
(CommentQuerySet), since it sends no signal."""

from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from taggit.models import Tag
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from comments.caching import versions
from comments.models import Comment, ModerationSettings, post_model


@receiver(pre_save, sender=Comment, dispatch_uid="caching.comment_saving")
def comment_saving(sender, instance, **kwargs):
    instance._changes_what_others_see = instance.seen_by_others()


@receiver(post_save, sender=Comment, dispatch_uid="caching.comment_saved")
def comment_saved(sender, instance, **kwargs):
    if getattr(instance, "_changes_what_others_see", True):
        versions.bump(instance.object_pk)


@receiver(post_delete, sender=Comment, dispatch_uid="caching.comment_deleted")
def comment_deleted(sender, instance, **kwargs):
    versions.bump(instance.object_pk)


@receiver(page_published, dispatch_uid="caching.page_published")
@receiver(page_unpublished, dispatch_uid="caching.page_unpublished")
@receiver(post_page_move, dispatch_uid="caching.page_moved")
def page_changed(sender, instance, **kwargs):
    versions.bump(instance.pk, content=True)
    versions.schedule_reveal()


@receiver(post_delete, dispatch_uid="caching.page_deleted")
def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and not isinstance(instance, Comment):
        versions.bump(instance.pk, content=True)


def _everything_changed(sender, created=False, **kwargs):
    """Settings, sites, tags and categories show on every page or change every
    form. A row just created shows nowhere yet (settings are created with the
    defaults that applied before, on first use)."""
    if not created:
        versions.bump(all_posts=True)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="caching.author")
def author_changed(sender, instance, created=False, **kwargs):
    """An author's name shows under their posts and on the listings."""
    if not created and post_model().objects.filter(author=instance).exists():
        versions.bump(all_posts=True)


@receiver(post_save, sender=PageViewRestriction, dispatch_uid="caching.restricted")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="caching.unrestricted")
def privacy_changed(sender, **kwargs):
    """A page made private must leave the page cache at once, new row or not."""
    versions.bump(all_posts=True)


for model in (ModerationSettings, Site, DjangoSite, Tag):
    post_save.connect(_everything_changed, sender=model, dispatch_uid=f"caching.{model.__name__}")
    post_delete.connect(
        _everything_changed, sender=model, dispatch_uid=f"caching.{model.__name__}.deleted"
    )


# The post model's categories live in blog, found through the app registry.
_category = post_model()._meta.get_field("categories").related_model
post_save.connect(_everything_changed, sender=_category, dispatch_uid="caching.category")
post_delete.connect(_everything_changed, sender=_category, dispatch_uid="caching.category.d")
