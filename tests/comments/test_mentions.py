from comments.mentions import Candidate, find_mentions, resolve

SEED = [  # most recent first, as the model passes them
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


def test_seed_names_resolve():
    assert resolve("Marcus", SEED).comment_id == 1
    assert resolve("Werner", SEED).comment_id == 2
    assert resolve("ritchi", SEED).comment_id == 3
    assert resolve("Markus", SEED).comment_id == 6
    assert resolve("Hannes", SEED).comment_id == 5
    assert resolve("Vu", SEED).comment_id == 7


def test_unknown_name_stays_unresolved():
    assert resolve("Martin", SEED) is None


def test_case_and_whole_name():
    assert resolve("MARCUS", SEED).comment_id == 1
    assert resolve("nila", SEED).comment_id == 9


def test_most_recent_wins():
    two = [Candidate(20, "Markus Hübner"), Candidate(6, "Markus Hübner")]
    assert resolve("Markus", two).comment_id == 20


def test_exact_beats_prefix_and_short_prefixes_do_not_count():
    people = [Candidate(2, "Marcusson"), Candidate(1, "Marcus")]
    assert resolve("Marcus", people).comment_id == 1
    assert resolve("Vu", [Candidate(1, "Vulcan Smith")]) is None
    assert resolve("Vulc", [Candidate(1, "Vulcan Smith")]).comment_id == 1


def test_emails_are_not_mentions():
    assert find_mentions("mail me: luca@example.org") == []
    assert [m[2] for m in find_mentions("@Vu: ja. (@Nila) @Luca!")] == ["Vu", "Nila", "Luca"]
