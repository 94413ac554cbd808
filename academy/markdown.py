"""Staff's texts (instructions, agendas, feedback) written in Markdown and shown safely.

Markdown becomes HTML, and the HTML is cleaned against an allow-list: no
scripts, no styles, no event handlers, links only to http, https and mailto.
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def render(text: str) -> SafeString:
    """Markdown as clean HTML. Headings start at level 2: the page has its own h1."""
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned against the allow-list above


def plain_text(text: str) -> str:
    """The text for a plain-text e-mail: Markdown is readable as it is; only trim it."""
    return (text or "").strip()
