"""Jinja environment for the generated pages: autoescape on, because every field is department text."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .clock import CHINA
from .diff import describe
from .pages import PageSpec, relative_url, url_of
from .schema import SchemaSet

TEMPLATES = Path(__file__).parent / "templates"
OVERRIDES = TEMPLATES / "overrides"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["lines"] = _lines
    env.filters["describe"] = describe
    env.filters["moment"] = lambda moment: moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    env.filters["day"] = lambda moment: moment.astimezone(CHINA).strftime("%Y-%m-%d")
    env.filters["days_before"] = lambda moment, today: (today - moment.astimezone(CHINA).date()).days
    return env


def _lines(text: str) -> Markup:
    """Keep the line breaks a department typed, escaping everything else."""
    return Markup("<br>").join(escape(line) for line in text.strip().splitlines())


def render_template(name: str, *, page_url: str, schemas: SchemaSet, directory_urls: bool = True, **context: Any) -> str:
    """Render one of our templates for the page at site-relative `page_url`."""

    def link(path: str) -> str:
        target = url_of(path, directory_urls) if path.endswith(".md") else path
        return relative_url(target, page_url)

    def label(*path: str | int) -> str:
        return schemas["entry"].label(path)

    return environment().get_template(name).render(link=link, label=label, schemas=schemas, directory_urls=directory_urls,
                                                    **context)


def render(spec: PageSpec, *, page_url: str, schemas: SchemaSet, directory_urls: bool = True, **extra: Any) -> str:
    """The HTML body of a generated page."""
    return render_template(spec.template, page_url=page_url, schemas=schemas, directory_urls=directory_urls,
                           spec=spec, **spec.context, **extra)
