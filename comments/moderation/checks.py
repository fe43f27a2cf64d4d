from django.conf import settings
from django.core.checks import Warning, register


@register()
def akismet_key(app_configs, **kwargs):
    if settings.AKISMET_API_KEY:
        return []
    return [
        Warning(
            "AKISMET_API_KEY is not set: spam filtering runs on local rules only.",
            hint="Get a key at akismet.com and set AKISMET_API_KEY in the environment.",
            id="comments.W001",
        )
    ]
