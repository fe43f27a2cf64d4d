"""Settings for Kommentar, read from the environment (and an optional .env).

Every variable is documented in .env.example and the README.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config import env as from_env

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(DEBUG=(bool, False))
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

SECRET_KEY = env("SECRET_KEY")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "blog",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_comments_xtd",
    "django_comments",
    "comments",  # after xtd: its ready() undoes one of xtd's signal handlers
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "comments.client_address.ClientAddressMiddleware",
    "comments.request_guard.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "comments.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Old WordPress addresses of imported posts (?p=, comment-page-N): a 301.
    "comments.wordpress.legacy_urls.LegacyAddressMiddleware",
    "comments.caching.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "blog.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": from_env.database(env, BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": from_env.cache(env)}
vars().update(from_env.email(env, DEBUG, mail_dir=BASE_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kommentar <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
TASKS = from_env.tasks(env)
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    # Scale-out option: tasks go through Redis and `manage.py rqworker` runs them.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")}}
# How often a failing mail or Akismet report is tried, and how long after the
# first failure the next try comes (doubling each time: 2, 4, 8… minutes).
TASKS_MAX_ATTEMPTS = env.int("TASKS_MAX_ATTEMPTS", default=6)
TASKS_RETRY_SECONDS = env.float("TASKS_RETRY_SECONDS", default=120)
# The longest one mail may take, all SMTP steps together (seconds).
TASKS_TIME_LIMIT = env.float("TASKS_TIME_LIMIT", default=120)

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): readers log in with email and password or a
# social account. Providers come from the environment or a SocialApp in the admin.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "comments.accounts.adapters.AccountAdapter"  # its mails go through tasks
ACCOUNT_FORMS = {"signup": "comments.accounts.forms.SignupForm"}  # asks for a public name
ACCOUNT_USER_DISPLAY = "comments.accounts.names.public_name"  # never made from the email
LOGIN_REDIRECT_URL = "/"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ADAPTER = "comments.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = from_env.social_providers(env)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalization: German first, like the original blog.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="de")
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Vienna")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "static_collected")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# WordPress exports uploaded in the admin wait here for the import task; not
# under MEDIA_ROOT, which the web server serves: an export holds emails.
WXR_IMPORT_DIR = env.path("WXR_IMPORT_DIR", default=BASE_DIR / "private" / "wxr-imports")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SITE_ID = 1

# Wagtail
WAGTAIL_SITE_NAME = env.str("SITE_NAME", default="Kommentar")
WAGTAILADMIN_BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
# The admin asks no third party for anything: no Gravatar for the admins'
# avatars (Wagtail draws initials, or shows an uploaded picture), no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Comments: django-comments-xtd, extended by the comments app.
COMMENTS_APP = "django_comments_xtd"
COMMENTS_XTD_MODEL = "comments.models.Comment"
COMMENTS_XTD_FORM_CLASS = "comments.forms.CommentForm"
COMMENTS_XTD_CONFIRM_EMAIL = False  # follow-ups use our own double opt-in
COMMENTS_XTD_FROM_EMAIL = DEFAULT_FROM_EMAIL
# Threads nest this many levels deep, like WordPress (xtd counts from 0).
COMMENTS_THREAD_DEPTH = env.int("COMMENTS_THREAD_DEPTH", default=5)
COMMENTS_XTD_MAX_THREAD_LEVEL = max(COMMENTS_THREAD_DEPTH - 1, 0)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)
# Where anonymous pages are written for the web server to serve (see
# deploy/nginx/kommentar.conf); empty: no page cache.
PAGE_CACHE_DIR = env.str("PAGE_CACHE_DIR", default="")
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=0) or None
COMMENTS_EDIT_WINDOW_MINUTES = env.int("COMMENTS_EDIT_WINDOW_MINUTES", default=15)
COMMENT_MAX_LENGTH = env.int("COMMENT_MAX_LENGTH", default=3000)
AVATARS_GRAVATAR = env.bool("AVATARS_GRAVATAR", default=False)
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"

# Spam filtering: Akismet is used when a key is set (moderation issue).
AKISMET_API_KEY = env.str("AKISMET_API_KEY", default="")
AKISMET_TIMEOUT = env.float("AKISMET_TIMEOUT", default=2.0)
# Calls count as tests (is_test) unless this is on; set it in production only.
AKISMET_PRODUCTION = env.bool("AKISMET_PRODUCTION", default=not DEBUG)
# Where Akismet's API is reached; empty means Akismet itself.
AKISMET_ENDPOINT = env.str("AKISMET_ENDPOINT", default="")
# Moderation defaults (administrators change them in the Wagtail admin).
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", default=2)
COMMENTS_FLOOD_SECONDS = env.int("COMMENTS_FLOOD_SECONDS", default=15)
COMMENTS_RATE_LIMIT = env.str("COMMENTS_RATE_LIMIT", default="20/600")
COMMENTS_PURGE_SPAM_DAYS = env.int("COMMENTS_PURGE_SPAM_DAYS", default=30)
COMMENTS_IP_RETENTION_DAYS = env.int("COMMENTS_IP_RETENTION_DAYS", default=60)

# Linkbacks (pingback, trackback, Webmention), in and out. Each protocol can be
# switched off site-wide here, and per post with "allow pings".
LINKBACKS_ENABLED = env.bool("LINKBACKS_ENABLED", default=True)
PINGBACK_ENABLED = env.bool("PINGBACK_ENABLED", default=True)
TRACKBACK_ENABLED = env.bool("TRACKBACK_ENABLED", default=True)
WEBMENTION_ENABLED = env.bool("WEBMENTION_ENABLED", default=True)
LINKBACKS_SEND = env.bool("LINKBACKS_SEND", default=True)
TRACKBACK_VERIFY = env.bool("TRACKBACK_VERIFY", default=True)
# Lifts the fetcher's address and port checks: for tests and intranets only.
LINKBACKS_ALLOW_PRIVATE_HOSTS = env.bool("LINKBACKS_ALLOW_PRIVATE_HOSTS", default=False)
LINKBACKS_ALLOWED_PORTS = tuple(
    env.list("LINKBACKS_ALLOWED_PORTS", cast=int, default=[80, 443, 8080])
)
LINKBACKS_FETCH_TIMEOUT = env.float("LINKBACKS_FETCH_TIMEOUT", default=5.0)
LINKBACKS_MAX_BYTES = env.int("LINKBACKS_MAX_BYTES", default=1_048_576)
# Incoming linkbacks per source host and per IP address: count/seconds.
LINKBACKS_RATE_LIMIT = env.str("LINKBACKS_RATE_LIMIT", default="10/600")
# How often an outgoing ping is tried, 2 and 4 minutes apart.
LINKBACKS_MAX_ATTEMPTS = env.int("LINKBACKS_MAX_ATTEMPTS", default=3)

# ActivityPub (comments/federation): the blog as a fediverse actor.
FEDERATION_ENABLED = env.bool("FEDERATION_ENABLED", default=True)
# Inbox bodies larger than this are refused (413) before they are read.
FEDERATION_MAX_BODY = env.int("FEDERATION_MAX_BODY", default=262_144)
# Inbox requests per remote host: count/seconds.
FEDERATION_RATE_LIMIT = env.str("FEDERATION_RATE_LIMIT", default="300/300")
# A delivery is retried with back-off (TASKS_RETRY_SECONDS, doubling) and
# given up once this many seconds have passed since it was queued.
FEDERATION_GIVE_UP_SECONDS = env.int("FEDERATION_GIVE_UP_SECONDS", default=86_400)
FEDERATION_MAX_ATTEMPTS = env.int("FEDERATION_MAX_ATTEMPTS", default=12)
# Settled deliveries are kept this many days; after that only the skeleton of
# each Create stays (which inbox got which object), the rest is deleted.
FEDERATION_KEEP_DELIVERIES_DAYS = env.int("FEDERATION_KEEP_DELIVERIES_DAYS", default=30)
# A remote account's document is fetched again after this many seconds.
FEDERATION_ACTOR_TTL = env.int("FEDERATION_ACTOR_TTL", default=86_400)

# Blog
BLOG_POSTS_PER_PAGE = env.int("BLOG_POSTS_PER_PAGE", default=10)
BLOG_FEED_ITEMS = env.int("BLOG_FEED_ITEMS", default=20)
BLOG_FEED_FULL_TEXT = env.bool("BLOG_FEED_FULL_TEXT", default=True)

# Proxies whose X-Forwarded-For is believed (nginx on the same host: 127.0.0.1).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# allauth reads REMOTE_ADDR, which ClientAddressMiddleware has set; it must not
# read X-Forwarded-For itself, which a reader can write.
ALLAUTH_TRUSTED_PROXY_COUNT = 0

# The language a reader chose in the footer: only the server reads it.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A blog served over HTTPS (BASE_URL says so) is served over HTTPS only:
    # plain HTTP redirects, and browsers remember it (HSTS). Each can be set.
    _https = WAGTAILADMIN_BASE_URL.startswith("https://")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_https)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _https else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_https)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=_https)
