"""Minutes are stored as the Markdown written; shown as HTML only after sanitising."""

import markdown
import nh3
from django.utils.safestring import mark_safe

# What minutes need: text structure, lists, tables, links. No images (they would load from
# anywhere and track readers), no styles, no scripts or event handlers.
TAGS = {
    *("p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "blockquote", "code", "pre"),
    *("h1", "h2", "h3", "h4", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td"),
    "a",
}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render(text):
    """The minutes' Markdown as safe HTML."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 — nh3 has just removed everything unsafe
