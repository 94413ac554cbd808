"""Rendering an e-mail in its recipient's language, from staff's template or the shipped one.

Staff write templates in the admin, so what a template can reach is limited:
the context is plain data (text, numbers, dates, lists and dicts of them, never
model instances whose relations lead anywhere), and a staff template may not
load tag libraries, include or extend other templates, or dump its context.
"""

import datetime as dt
import decimal
import logging
from dataclasses import dataclass

from django.conf import settings
from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.template.defaulttags import DebugNode, LoadNode
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from academy.models import HELSINKI

from .models import EmailTemplate

log = logging.getLogger(__name__)

PARTS = ("subject", "body_text", "body_html")
FORBIDDEN_IN_STAFF_TEMPLATES = (LoadNode, IncludeNode, ExtendsNode, DebugNode)
PLAIN = (
    str,
    int,
    float,
    bool,
    type(None),
    decimal.Decimal,
    dt.date,
    dt.time,
    dt.timedelta,
    Promise,
)
FILES = {"subject": "subject.txt", "body_text": "body.txt", "body_html": "body.html"}


@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    body_text: str
    body_html: str


class TemplateMissing(LookupError):
    pass


def render_email(purpose: str, language: str, context: dict, cache: dict | None = None) -> Rendered:
    """Render in ``language`` if the purpose has a template in it, otherwise in Finnish.

    ``cache`` (a dict the caller keeps) saves looking up and compiling the same
    templates again when many e-mails are rendered at once.
    """
    check_plain(context)
    cache = {} if cache is None else cache
    for candidate in dict.fromkeys([language, settings.LANGUAGE_CODE]):
        if (purpose, candidate) not in cache:
            cache[purpose, candidate] = _compiled(purpose, candidate)
        if cache[purpose, candidate] is not None:
            return _render_or_fall_back(purpose, candidate, cache[purpose, candidate], context)
    raise TemplateMissing(f"No e-mail template for {purpose!r} in {language!r} or Finnish.")


def _compiled(purpose: str, language: str) -> dict | None:
    sources = template_sources(purpose, language)
    if sources is None:
        return None
    try:
        return compile_sources(sources)
    except TemplateSyntaxError:
        log.exception(
            "Staff's %s template (%s) is broken; using the shipped one.", purpose, language
        )
        shipped = shipped_sources(purpose, language)
        if shipped is None:
            raise
        return compile_sources(shipped)


def _render_or_fall_back(purpose: str, language: str, parts: dict, context: dict) -> Rendered:
    try:
        return render_compiled(parts, language, context)
    except Exception:
        # Staff's template passed its check with sample data but not with this
        # mail's: the shipped template still says what needs saying.
        shipped = shipped_sources(purpose, language)
        if shipped is None:
            raise
        log.exception("Rendering %s (%s) failed; using the shipped template.", purpose, language)
        return render_compiled(compile_sources(shipped), language, context)


def check_plain(value, path: str = "context") -> None:
    """Refuse anything but plain data, so that a template cannot walk into the database."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_plain(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_plain(item, f"{path}[{index}]")
    elif not isinstance(value, PLAIN):
        raise TypeError(f"{path} is a {type(value).__name__}: e-mail context must be plain data.")


def check_staff_template(source: str) -> None:
    """Raise TemplateSyntaxError for what staff templates may not do."""
    template = Template(source)
    for node_type in FORBIDDEN_IN_STAFF_TEMPLATES:
        if template.nodelist.get_nodes_by_type(node_type):
            raise TemplateSyntaxError(
                _("E-mail templates cannot load, include, extend or debug other templates.")
            )


def template_sources(purpose: str, language: str) -> dict[str, str] | None:
    """Staff's template when there is one, else the shipped files; None when neither exists."""
    override = EmailTemplate.objects.filter(purpose=purpose, language=language).first()
    if override is not None:
        return {part: getattr(override, part) for part in PARTS}
    return shipped_sources(purpose, language)


def shipped_sources(purpose: str, language: str) -> dict[str, str] | None:
    try:
        subject = _file_source(purpose, language, "subject")
    except TemplateDoesNotExist:
        return None
    sources = {"subject": subject, "body_text": _file_source(purpose, language, "body_text")}
    try:
        sources["body_html"] = _file_source(purpose, language, "body_html")
    except TemplateDoesNotExist:
        sources["body_html"] = ""
    return sources


def _file_source(purpose: str, language: str, part: str) -> str:
    template = Engine.get_default().get_template(f"emails/{purpose}/{language}/{FILES[part]}")
    return template.source


def compile_sources(sources: dict[str, str]) -> dict[str, Template | None]:
    """Compile the three parts. Raises TemplateSyntaxError for a broken one."""
    return {part: Template(source) if source.strip() else None for part, source in sources.items()}


def render_sources(sources: dict[str, str], language: str, context: dict) -> Rendered:
    return render_compiled(compile_sources(sources), language, context)


def render_compiled(parts: dict[str, Template | None], language: str, context: dict) -> Rendered:
    with translation.override(language), timezone.override(HELSINKI):
        subject = _render(parts["subject"], context, autoescape=False)
        body_text = _render(parts["body_text"], context, autoescape=False)
        # The HTML part escapes every placeholder: a name like <b> stays text.
        body_html = _render(parts["body_html"], context, autoescape=True)
    return Rendered(language, " ".join(subject.split()), body_text.strip() + "\n", body_html)


def _render(template: Template | None, context: dict, *, autoescape: bool) -> str:
    if template is None:
        return ""
    return template.render(Context(context, autoescape=autoescape))


__all__ = ["Rendered", "TemplateMissing", "TemplateSyntaxError", "render_email", "render_sources"]
