"""WordPress's "save my name, email and website in this browser": a signed,
HTTP-only cookie set only when the reader ticks the box, removed when not."""

import json

COOKIE = "kommentar_author"
_SALT = "kommentar.author"
_MAX_AGE = 365 * 24 * 3600
_FIELDS = ("name", "email", "url")


def read(request):
    raw = request.get_signed_cookie(COOKIE, default=None, salt=_SALT)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return {key: str(data[key]) for key in _FIELDS if key in data}


def update(request, response, form):
    if form.user is not None:
        return
    if not form.cleaned_data.get("save_info"):
        if COOKIE in request.COOKIES:
            response.delete_cookie(COOKIE)
        return
    data = {key: form.cleaned_data.get(key, "") for key in _FIELDS}
    response.set_signed_cookie(
        COOKIE,
        json.dumps(data),
        salt=_SALT,
        max_age=_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
