"""The comments part of the demo: the seed post's replies, the Facebook
commenter of reply 17, the pingback, and something for the moderation queue.
`blog.demo` runs `load` after the posts exist; every part is idempotent."""

from comments.demo import linkback, moderation, seed, social

PARTS = [seed, social, linkback, moderation]


def load(demo):
    for part in PARTS:
        part.load(demo)
