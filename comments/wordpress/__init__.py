"""WordPress in and out: a blog's WXR export read as a stream and imported
(posts, pages, authors, terms, every comment, old URLs redirected), and this
blog written out as WXR 1.2 that WordPress's importer accepts."""
