"""The seed post's author. Demo authors cannot log in: they have no password."""

from django.contrib.auth import get_user_model

AUTHORS = [
    {"username": "luca", "first_name": "Luca", "last_name": "Hammer", "email": "luca@example.org"},
]


def load(demo):
    User = get_user_model()
    for data in AUTHORS:
        user, created = User.objects.get_or_create(
            username=data["username"],
            defaults={k: v for k, v in data.items() if k != "username"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        demo.objects[f"author:{user.username}"] = user
        demo.write(("Created" if created else "Kept") + f" the author {user.get_full_name()}.")
