"""The comments app's models, one module each; Django and migrations find them here."""

from comments.caching.models import ContentVersion
from comments.federation.models import (
    Delivery,
    FederationSettings,
    Follower,
    Following,
    InboxItem,
    LocalActor,
    LocalNote,
    Reaction,
    RemoteActor,
    RemoteNote,
    SeenActivity,
)
from comments.linkbacks.models import IncomingWebmention, OutgoingPing
from comments.models.comment import MAX_ID, Comment, CommentManager, CommentQuerySet, post_model
from comments.models.picture import PictureCopy
from comments.models.settings import (
    ModerationSettings,
    _default_flood_seconds,
    _default_max_links,
)
from comments.models.subscription import Subscription
from comments.wordpress.models import ImportedObject, WxrImport

__all__ = [
    "MAX_ID",
    "Comment",
    "CommentManager",
    "CommentQuerySet",
    "ContentVersion",
    "Delivery",
    "FederationSettings",
    "Follower",
    "Following",
    "ImportedObject",
    "InboxItem",
    "IncomingWebmention",
    "LocalActor",
    "LocalNote",
    "ModerationSettings",
    "OutgoingPing",
    "PictureCopy",
    "Reaction",
    "RemoteActor",
    "RemoteNote",
    "SeenActivity",
    "Subscription",
    "WxrImport",
    "_default_flood_seconds",
    "_default_max_links",
    "post_model",
]
