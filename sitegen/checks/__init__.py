"""Offline checks of a built site: internal links and the sitemap (`sitegen check`, the tests)."""
