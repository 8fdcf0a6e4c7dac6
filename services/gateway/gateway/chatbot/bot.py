"""The chatbot: answers a question from the knowledge base, citing the entry it used, or says it
does not know and hands the conversation over to a consultants' queue."""
import threading
from dataclasses import dataclass, field
from pathlib import Path

from gateway.chatbot.knowledge import LANGUAGES, Article, load_knowledge_base
from gateway.chatbot.retrieval import Index, Match
from gateway.chatbot.scope import GENERAL_QUEUE, QUEUE_OF_CATEGORY, Scope
from gateway.chatbot.text import Analyzer, detect_language

# Below this coverage the best entry does not answer the question (calibrated on
# services/gateway/tests/chatbot_eval.yaml: see README, "Chatbot").
CONFIDENCE_THRESHOLD = 0.4
CONSULTANT_WORDS = {"pl": "konsultant konsultantka człowiek pracownik operator",
                    "en": "consultant human agent operator"}


@dataclass(frozen=True)
class Reply:
    lang: str
    kind: str                      # "answer" or "handover"
    article: Article | None = None
    excerpt: str = ""
    confidence: float = 0.0
    queue: str | None = None       # for a handover
    reason: str | None = None      # "unknown", "out_of_scope", "requested"
    alternatives: list[Article] = field(default_factory=list)


class Chatbot:
    """One per process; the indexes are built on first use (simplemma's dictionary takes a few
    seconds to load) and are read-only afterwards, so threads share them."""

    def __init__(self, content_dir: Path, threshold: float = CONFIDENCE_THRESHOLD):
        self.content_dir = content_dir
        self.threshold = threshold
        self._lock = threading.Lock()
        self._languages: dict[str, _Language] | None = None

    def languages(self) -> dict[str, "_Language"]:
        if self._languages is None:
            with self._lock:
                if self._languages is None:
                    articles = load_knowledge_base(self.content_dir)
                    self._languages = {lang: _Language(lang, articles) for lang in LANGUAGES}
        return self._languages

    def reply(self, question: str, default_lang: str = "pl") -> Reply:
        lang = detect_language(question, default=default_lang)
        language = self.languages()[lang]
        if language.asks_for_consultant(question):
            return self._handover(lang, "requested", language.search(question))
        if queue := language.scope.other_topic_queue(question):
            return Reply(lang=lang, kind="handover", queue=queue, reason="out_of_scope")
        matches = language.search(question)
        if not matches or matches[0].coverage < self.threshold:
            return self._handover(lang, "unknown", matches)
        best = matches[0]
        return Reply(lang=lang, kind="answer", article=best.article,
                     excerpt=language.excerpt(best.article, question),
                     confidence=round(best.coverage, 2),
                     alternatives=[match.article for match in matches[1:]])

    def _handover(self, lang: str, reason: str, matches: list[Match]) -> Reply:
        """To the queue of the nearest topic, if there is one; the nearest entries are offered
        as reading while the caller waits."""
        queue = QUEUE_OF_CATEGORY[matches[0].article.category] if matches else GENERAL_QUEUE
        return Reply(lang=lang, kind="handover", queue=queue, reason=reason,
                     confidence=round(matches[0].coverage, 2) if matches else 0.0,
                     alternatives=[match.article for match in matches[:2]])

    def classify(self, text: str, default_lang: str = "pl") -> str | None:
        """The thematic queue a free-text request belongs to (for the voicebot), or None."""
        lang = detect_language(text, default=default_lang)
        language = self.languages()[lang]
        if queue := language.scope.other_topic_queue(text):
            return queue
        matches = language.index.search(text, limit=5)
        if not matches or matches[0].coverage < self.threshold:
            return None
        # A request names a topic more than a single entry: the entries near the best one vote.
        votes: dict[str, float] = {}
        for match in matches:
            if match.score >= matches[0].score / 2:
                queue = QUEUE_OF_CATEGORY[match.article.category]
                votes[queue] = votes.get(queue, 0.0) + match.score
        return max(votes, key=votes.get)


class _Language:
    def __init__(self, lang: str, articles: list[Article]):
        self.analyzer = Analyzer(lang)
        self.index = Index([article for article in articles if article.lang == lang],
                           self.analyzer)
        self.scope = Scope(self.analyzer)
        self.consultant_terms = set(self.analyzer.terms(CONSULTANT_WORDS[lang]))

    def search(self, question: str) -> list[Match]:
        return self.index.search(question)

    def asks_for_consultant(self, question: str) -> bool:
        return bool(set(self.analyzer.terms(question)) & self.consultant_terms)

    def excerpt(self, article: Article, question: str) -> str:
        """The two neighbouring paragraphs (tables, lists) of the entry that share most with
        the question, so a lead-in comes with its table; a FAQ entry's opening paragraph, which
        answers its question, always comes first."""
        blocks = [block.strip() for block in article.body.split("\n\n")
                  if block.strip() and not block.lstrip().startswith("#")]
        own, expanded = self.analyzer.query_terms(question)
        wanted = set(own) | expanded
        shared = [len(wanted & set(self.analyzer.terms(block))) for block in blocks]
        start = max(range(len(blocks)), key=lambda i: shared[i] + sum(shared[i + 1:i + 2]))
        chosen = [start, start + 1]
        if article.section == "faq" and start > 0:
            chosen = [0, start]
        return "\n\n".join(blocks[i] for i in chosen if i < len(blocks))
