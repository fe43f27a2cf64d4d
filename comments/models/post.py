"""The page type comments hang on, found through the app registry: blog
imports comments' public surface, so comments never import blog."""

from django.apps import apps

POST_MODEL = "blog.BlogPage"


def post_model():
    return apps.get_model(POST_MODEL)
