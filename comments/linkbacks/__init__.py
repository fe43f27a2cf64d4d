"""Pingbacks, trackbacks and Webmentions, in and out. Every outgoing request
goes through safe_fetch; every incoming linkback through the comment pipeline."""
