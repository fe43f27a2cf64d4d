"""Reasons are stored in English and shown in the moderator's language."""

import pytest
from django.utils import translation

from comments.moderation import reasons


@pytest.mark.parametrize(
    "stored, german",
    [
        ("first comment by this author", "erster Kommentar dieser Person"),
        ("first from this source", "erster Linkback von dieser Quelle"),
        ("trusted: staff or the post's author", "vertrauenswürdig: Team oder Autor des Beitrags"),
        ("passed all checks", "alle Prüfungen bestanden"),
        ("5 links (more than 2)", "5 Links (mehr als 2)"),
        ("moderation key: gutschein", "Moderationsbegriff: gutschein"),
        ("disallowed key: casino", "gesperrter Begriff: casino"),
        ("Akismet unavailable: timed out", "Akismet nicht erreichbar: timed out"),
        (
            "Akismet unavailable: invalid Akismet key",
            "Akismet nicht erreichbar: ungültiger Akismet-Schlüssel",
        ),
        ("Akismet: spam", "Akismet: Spam"),
        ("set by Mia", "gesetzt von Mia"),
        ("set by system", "vom System gesetzt"),
        ("approved by Mia Moser", "freigegeben von Mia Moser"),
        ("marked as spam by Mia", "als Spam markiert von Mia"),
        (
            "held: the comment it answers (#7) is not approved",
            "zurückgehalten: der beantwortete Kommentar (#7) ist nicht freigegeben",
        ),
        ("demo", "demo"),
        ("", ""),
    ],
)
def test_describe_in_german_and_english(stored, german):
    with translation.override("de"):
        assert reasons.describe(stored) == german
    with translation.override("en"):
        assert reasons.describe(stored) == stored


def test_a_moderators_action_names_the_moderator(django_user_model):
    mia = django_user_model(username="mia", first_name="Mia", last_name="Moser")
    assert reasons.by(reasons.APPROVED_BY, mia) == "approved by Mia Moser"
    assert reasons.by(reasons.SPAM_BY, django_user_model(username="x")) == "marked as spam by x"
    assert reasons.by(reasons.APPROVED_BY, None) == "set by system"
