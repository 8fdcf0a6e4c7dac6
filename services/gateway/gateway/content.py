"""The office's content, read from files it edits without code (`content/` in the repository):

    faq/*.md, articles/*.md, pages/*.md   Markdown with YAML front matter
                                          (id, title, lang: pl|en, category, tags)
    legal_acts.yaml, forms.yaml           lists
    rates/<year>.yaml                     the year's tax rates and fees
    interest_rates.yaml                   the late-payment interest base rate, by date

Files are re-read when any of them changes (a cheap stat of each per request), so an edit shows
at once without a restart.
"""
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml

MARKDOWN_KINDS = ("faq", "articles", "pages")


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    lang: str
    category: str
    tags: tuple[str, ...]
    html: str
    searchable: str


@dataclass
class Content:
    documents: dict[str, dict[str, dict[str, Document]]] = field(default_factory=dict)  # kind, id, lang
    data: dict[str, object] = field(default_factory=dict)  # yaml files by relative path
    rates: dict[int, dict] = field(default_factory=dict)


def fold(text: str) -> str:
    """Lower case without diacritics, so `zaswiadczenie` finds `zaświadczenie`."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def parse_markdown(path: Path) -> Document:
    text = path.read_text(encoding="utf-8")
    meta, body = {}, text
    if text.startswith("---"):
        _, front, body = text.split("---", 2)
        meta = yaml.safe_load(front) or {}
    tags = tuple(str(tag) for tag in meta.get("tags") or ())
    title = str(meta.get("title") or path.stem)
    return Document(id=str(meta.get("id") or path.stem), title=title,
                    lang=str(meta.get("lang") or "pl"), category=str(meta.get("category") or ""),
                    tags=tags, html=markdown.markdown(body, extensions=["tables", "sane_lists"]),
                    searchable=fold(" ".join((title, " ".join(tags), body))))


def load(root: Path) -> Content:
    content = Content()
    for kind in MARKDOWN_KINDS:
        by_id = content.documents.setdefault(kind, {})
        for path in sorted((root / kind).glob("*.md")):
            document = parse_markdown(path)
            by_id.setdefault(document.id, {})[document.lang] = document
    for path in sorted(root.glob("*.yaml")):
        content.data[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for path in sorted((root / "rates").glob("*.yaml")):
        table = yaml.safe_load(path.read_text(encoding="utf-8"))
        content.rates[int(table["year"])] = table
    return content


class ContentLibrary:
    def __init__(self, root: str):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._signature: tuple = ()
        self._content = Content()

    def _files_signature(self) -> tuple:
        return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                     for p in sorted(self.root.rglob("*")) if p.suffix in (".md", ".yaml"))

    @property
    def current(self) -> Content:
        signature = self._files_signature()
        if signature != self._signature:
            with self._lock:
                if signature != self._signature:
                    self._content = load(self.root)
                    self._signature = signature
        return self._content

    def documents(self, kind: str, lang: str) -> list[Document]:
        """Each document once, in the language asked for where it exists (else Polish)."""
        found = [self._in_language(versions, lang)
                 for versions in self.current.documents.get(kind, {}).values()]
        return sorted(found, key=lambda d: (fold(d.category), fold(d.title)))

    def document(self, kind: str, doc_id: str, lang: str) -> Document | None:
        versions = self.current.documents.get(kind, {}).get(doc_id)
        return self._in_language(versions, lang) if versions else None

    @staticmethod
    def _in_language(versions: dict[str, Document], lang: str) -> Document:
        return versions.get(lang) or versions.get("pl") or next(iter(versions.values()))

    def search(self, kind: str, query: str, lang: str) -> list[Document]:
        """Documents containing every word of the query; title matches first."""
        words = fold(query).split()
        found = [d for d in self.documents(kind, lang) if all(w in d.searchable for w in words)]
        return sorted(found, key=lambda d: -sum(w in fold(d.title) for w in words))

    def data(self, name: str):
        return self.current.data.get(name)

    def rate_years(self) -> list[int]:
        return sorted(self.current.rates)

    def rates(self, year: int) -> dict | None:
        return self.current.rates.get(year)
