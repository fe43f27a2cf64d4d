from django.core.cache import cache
from django_tasks import task


@task()
def remember(key, value):
    cache.set(key, value)
    return value
