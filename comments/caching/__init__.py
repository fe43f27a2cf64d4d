"""What lets a reader's page come from a cache and still be right: versions
that every change moves forward, fragments keyed on them, the page cache that
the web server serves, and answers to conditional requests."""
