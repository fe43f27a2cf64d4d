"""ActivityPub: the blog as a fediverse actor that readers on Mastodon follow,
whose posts reach their timelines and whose replies come back as comments."""
