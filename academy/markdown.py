"""Staff's texts (instructions, agendas, feedback) written in Markdown and shown safely.

Markdown becomes HTML, and the HTML is cleaned against an allow-list: no
scripts, no styles, no event handlers, links only to http, https and mailto.
"""

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "blockquote",
    "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def render(text: str) -> SafeString:
    """Markdown as clean HTML. Its top heading becomes level 3: the text sits in a page section.

    Levels keep their order, so the page's outline has no gaps whichever level
    the writer started from.
    """
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"])
    levels = [int(level) for _slash, level in _HEADING.findall(html)]
    if levels:
        shift = 3 - min(levels)
        html = _HEADING.sub(lambda match: _shifted(match, shift), html)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned against the allow-list above


_HEADING = re.compile(r"<(/?)h([1-6])>")


def _shifted(match: re.Match, shift: int) -> str:
    level = min(int(match.group(2)) + shift, 6)
    return f"<{match.group(1)}h{level}>"


def plain_text(text: str) -> str:
    """The text for a plain-text e-mail: Markdown is readable as it is; only trim it."""
    return (text or "").strip()
