"""Rendering an e-mail in its recipient's language, from staff's template or the shipped one."""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.utils import timezone, translation

from academy.models import HELSINKI

from .models import EmailTemplate

PARTS = ("subject", "body_text", "body_html")
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
    cache = {} if cache is None else cache
    for candidate in dict.fromkeys([language, settings.LANGUAGE_CODE]):
        if (purpose, candidate) not in cache:
            sources = template_sources(purpose, candidate)
            cache[purpose, candidate] = sources and compile_sources(sources)
        if cache[purpose, candidate] is not None:
            return render_compiled(cache[purpose, candidate], candidate, context)
    raise TemplateMissing(f"No e-mail template for {purpose!r} in {language!r} or Finnish.")


def template_sources(purpose: str, language: str) -> dict[str, str] | None:
    """Staff's template when there is one, else the shipped files; None when neither exists."""
    override = EmailTemplate.objects.filter(purpose=purpose, language=language).first()
    if override is not None:
        return {part: getattr(override, part) for part in PARTS}
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
    template = get_template(f"emails/{purpose}/{language}/{FILES[part]}")
    return template.template.source


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
