import pytest

from comments.mentions import MENTION_RE, Candidate, find_mentions, resolve

SEED = [  # most recent first, as the model passes them; ids are the seed's reply numbers
    Candidate(9, "Nila"),
    Candidate(8, "Eol"),
    Candidate(7, "Vu"),
    Candidate(6, "Markus Hübner"),
    Candidate(5, "Hannes Offenbacher"),
    Candidate(4, "Roman"),
    Candidate(3, "ritchie"),
    Candidate(2, "Werner Reiter"),
    Candidate(1, "Marcus Greyer"),
]


@pytest.mark.parametrize(
    ("token", "comment_id"),
    [
        ("Marcus", 1),
        ("Werner", 2),
        ("ritchi", 3),
        ("Roman", 4),
        ("Hannes", 5),
        ("Markus", 6),
        ("Vu", 7),
        ("Nila", 9),
    ],
)
def test_seed_names_resolve(token, comment_id):
    assert resolve(token, SEED).comment_id == comment_id


def test_luca_resolves_to_the_post_author():
    assert resolve("Luca", [Candidate(12, "Luca Hammer"), *SEED]).comment_id == 12


def test_unknown_name_stays_unresolved():
    assert resolve("Martin", SEED) is None
    assert resolve("Martin", []) is None


def test_matching_ignores_case():
    assert resolve("MARCUS", SEED).comment_id == 1
    assert resolve("nila", SEED).comment_id == 9
    assert resolve("RITCHIE", SEED).comment_id == 3
    assert resolve("strasse", [Candidate(1, "Straße Meier")]).comment_id == 1


def test_whole_name_and_first_word_match_but_not_later_words():
    assert resolve("Roman", SEED).comment_id == 4
    assert resolve("Hannes", SEED).comment_id == 5
    assert resolve("Jean-Luc", [Candidate(1, "Jean-Luc Picard")]).comment_id == 1
    assert resolve("Greyer", SEED) is None
    assert resolve("Hübner", SEED) is None


def test_most_recent_commenter_wins():
    two = [Candidate(20, "Markus Hübner"), Candidate(6, "Markus Müller")]
    assert resolve("Markus", two).comment_id == 20


def test_exact_match_anywhere_beats_a_more_recent_prefix_match():
    people = [Candidate(2, "Marcusson"), Candidate(1, "Marcus")]
    assert resolve("Marcus", people).comment_id == 1
    people = [Candidate(3, "ritchie"), Candidate(2, "Ritchi Blackmore")]
    assert resolve("ritchi", people).comment_id == 2


def test_prefix_needs_four_characters_and_only_extends_the_first_word():
    assert resolve("Vu", [Candidate(1, "Vulcan Smith")]) is None
    assert resolve("rit", SEED) is None
    assert resolve("ritc", SEED).comment_id == 3
    assert resolve("Vulc", [Candidate(1, "Vulcan Smith")]).comment_id == 1
    assert resolve("Offen", SEED) is None
    assert resolve("ritchies", SEED) is None


def test_mentions_are_found_with_their_spans():
    text = "@Vu: ja. (@Nila) @Luca Hammer!"
    assert find_mentions(text) == [(0, 3, "Vu"), (10, 15, "Nila"), (17, 22, "Luca")]
    assert [text[start:end] for start, end, _ in find_mentions(text)] == ["@Vu", "@Nila", "@Luca"]


def test_a_mention_is_one_word_of_letters_digits_dots_and_dashes():
    assert [m[2] for m in find_mentions("@Hübner. @jean-luc, @a1.fan_2 @Werner’s")] == [
        "Hübner",
        "jean-luc",
        "a1.fan_2",
        "Werner",
    ]


@pytest.mark.parametrize(
    "text", ["luca@example.org", "mail: a@b.com", "@@Vu", "@ Vu", "@-Vu", "@_Vu", "x_@Vu"]
)
def test_things_that_are_not_mentions(text):
    assert find_mentions(text) == []
    assert MENTION_RE.search(text) is None
