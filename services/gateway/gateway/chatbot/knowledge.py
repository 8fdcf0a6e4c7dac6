"""The knowledge base: FAQ entries and "ABC of taxes" articles, Markdown files with YAML front
matter under `content/faq/` and `content/articles/` (see `content/README.md`)."""
from dataclasses import dataclass
from pathlib import Path

import yaml

LANGUAGES = ("pl", "en")
CATEGORIES = ("pit", "pcc", "sd", "local_taxes", "payments", "eservices")
SECTIONS = {"faq": "faq", "articles": "abc"}  # folder -> path segment of the portal's link
REQUIRED_KEYS = ("id", "title", "lang", "category", "tags")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    lang: str
    category: str
    tags: tuple[str, ...]
    body: str
    section: str  # "faq" or "abc"

    @property
    def link(self) -> str:
        """Where the portal shows the entry."""
        return f"/{self.section}/{self.id}"


class KnowledgeBaseError(ValueError):
    pass


def parse_article(text: str, section: str, source: str) -> Article:
    if not text.startswith("---\n"):
        raise KnowledgeBaseError(f"{source}: no YAML front matter")
    header, _, body = text[4:].partition("\n---\n")
    meta = yaml.safe_load(header) or {}
    missing = [key for key in REQUIRED_KEYS if not meta.get(key)]
    if missing:
        raise KnowledgeBaseError(f"{source}: missing {', '.join(missing)}")
    if meta["lang"] not in LANGUAGES or meta["category"] not in CATEGORIES:
        raise KnowledgeBaseError(f"{source}: unknown lang or category")
    return Article(id=str(meta["id"]), title=str(meta["title"]), lang=meta["lang"],
                   category=meta["category"], tags=tuple(str(tag) for tag in meta["tags"]),
                   body=body.strip(), section=section)


def load_knowledge_base(content_dir: Path) -> list[Article]:
    articles = []
    for folder, section in SECTIONS.items():
        for path in sorted((content_dir / folder).glob("*.md")):
            articles.append(parse_article(path.read_text(encoding="utf-8"), section, str(path)))
    # An id names one entry per language: the portal shows a translation under the same id.
    ids = [(article.id, article.lang) for article in articles]
    duplicates = {article_id for article_id, lang in ids if ids.count((article_id, lang)) > 1}
    if duplicates:
        raise KnowledgeBaseError(f"duplicate ids: {sorted(duplicates)}")
    if not articles:
        raise KnowledgeBaseError(f"no articles under {content_dir}")
    return articles
