"""From the build's side: where feeds live, and a `Document` as a `FeedItem`.

Kept here so the build and the feed writers agree on one mapping (WordPress's own feed lists a
post's categories, then its tags, as `<category>`; the item id is WordPress's guid).
"""

from __future__ import annotations

from sitegen.feeds.items import FeedItem
from sitegen.model import Document

# Output files, relative to a section's directory ("" for the site, "category/5g/", ...). Each
# is served at its directory URL, which is WordPress's: /feed/, /feed/atom/, /category/5g/feed/.
RSS_FILE = "feed/index.xml"
ATOM_FILE = "feed/atom/index.xml"
JSON_FILE = "feed/json/index.json"  # the site only: WordPress has no JSON feed to keep


def item_from_document(doc: Document, url: str, content_html: str) -> FeedItem:
    """The feed item for `doc`, published at absolute `url`, with its rendered body HTML.

    `content_html` is made absolute by the writers, so the build passes what it renders.
    """
    terms = tuple(term.name for term in doc.categories) + tuple(term.name for term in doc.tags)
    image = doc.featured_image
    return FeedItem(
        title=doc.title,
        url=url,
        guid=doc.guid or url,
        content_html=content_html,
        summary=doc.summary,
        author=doc.author.name if doc.author else "",
        categories=terms,
        published=doc.date,
        updated=doc.updated,
        image_url=image.url if image else "",
    )
