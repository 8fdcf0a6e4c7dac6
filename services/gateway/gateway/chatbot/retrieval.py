"""BM25 ranking over the knowledge base, one index per language, with a confidence that says
how much of the question the best entry covers.

An entry's features are its terms (lemmas folded to ASCII; title and tags weigh more), adjacent
term pairs, and 5-letter prefixes; a question uses its terms and pairs, the prefix of a term no
entry contains (a typo, an inflection the lemmatiser does not know), and the official words for
its colloquial ones ("śmieci" -> "odpady").

BM25 orders candidates but its scores are not comparable between questions, so the decision
"do we know this?" uses coverage instead: the share of the question's information (idf-weighted
terms) that the best entry contains. A term found in no entry counts as much as the rarest
term, so "ile wynosi podatek od psa" covers "podatek" but not "pies" and is handed over.
"""
import math
from collections import Counter
from dataclasses import dataclass

from gateway.chatbot.knowledge import Article
from gateway.chatbot.text import Analyzer, bigrams, prefix, tokens

TITLE_WEIGHT = 3  # title and tags say what an entry is about; the body also mentions neighbours
TAG_WEIGHT = 2
SYNONYM_WEIGHT = 1.0  # the official word a colloquial one stands for counts fully
PREFIX_WEIGHT = 0.5  # a shared prefix is weaker evidence than a shared lemma
PREFIX_CREDIT = 0.5  # share of an unknown term's weight that a prefix match covers


@dataclass(frozen=True)
class Match:
    article: Article
    score: float
    coverage: float  # 0..1: share of the question's idf weight found in the article


class Index:
    def __init__(self, articles: list[Article], analyzer: Analyzer, k1: float = 1.2,
                 b: float = 0.75):
        self.articles = articles
        self.analyzer = analyzer
        self.k1, self.b = k1, b
        analyzer.learn_forms(_lemmas(articles, analyzer))
        self.docs = [Counter(self._features(article)) for article in articles]
        self.lengths = [sum(doc.values()) for doc in self.docs]
        self.average_length = sum(self.lengths) / len(self.lengths)
        frequency = Counter(feature for doc in self.docs for feature in doc)
        count = len(self.docs)
        self.idf = {feature: math.log(1 + (count - df + 0.5) / (df + 0.5))
                    for feature, df in frequency.items()}
        self.unknown_idf = math.log(1 + (count + 0.5) / 0.5)

    def _features(self, article: Article) -> list[str]:
        features = []
        for text, weight in ((article.body, 1), (article.title, TITLE_WEIGHT),
                             (" ".join(article.tags), TAG_WEIGHT)):
            terms = self.analyzer.terms(text)
            stems = [stem for stem in map(prefix, terms) if stem]
            features += (terms + bigrams(terms) + stems) * weight
        return features

    def search(self, question: str, limit: int = 3) -> list[Match]:
        own, expanded = self.analyzer.query_terms(question)
        unknown = [term for term in own if term not in self.idf]
        stems = {stem for stem in map(prefix, unknown) if stem and stem in self.idf}
        exact = set(own) - set(unknown)
        weighted = ([(feature, 1.0) for feature in exact | set(bigrams(own))]
                    + [(feature, SYNONYM_WEIGHT) for feature in expanded]
                    + [(feature, PREFIX_WEIGHT) for feature in stems])
        total_weight = sum(self.idf.get(term, self.unknown_idf) for term in set(own)
                           if term in self.idf or not term.isdigit())
        if not total_weight and not expanded:
            return []
        matches = []
        for article, doc, length in zip(self.articles, self.docs, self.lengths, strict=True):
            found = {feature for feature, _ in weighted if feature in doc}
            if not found:
                continue
            score = sum(weight * self._feature_score(feature, doc[feature], length)
                        for feature, weight in weighted if feature in found)
            coverage = self._covered(set(own), unknown, found) / (total_weight or 1.0)
            matches.append(Match(article, score, min(1.0, coverage)))
        matches.sort(key=lambda match: match.score, reverse=True)
        return matches[:limit]

    def _covered(self, own: set[str], unknown: list[str], found: set[str]) -> float:
        """The idf weight of the question's terms that the entry answers: a term found as it
        is; a colloquial term whose official word is found; an unknown term whose prefix is."""
        covered = 0.0
        for term in own:
            if term.isdigit() and term not in self.idf:
                continue  # an amount or a year the knowledge base does not mention: no topic
            if term in found:
                covered += self.idf[term]
            elif self.analyzer.synonyms.get(term, set()) & found:
                covered += self.idf.get(term, self.unknown_idf)
            elif term in unknown and prefix(term) in found:
                covered += PREFIX_CREDIT * self.unknown_idf
        return covered

    def _feature_score(self, feature: str, frequency: int, length: int) -> float:
        norm = self.k1 * (1 - self.b + self.b * length / self.average_length)
        return self.idf[feature] * frequency * (self.k1 + 1) / (frequency + norm)


def _lemmas(articles: list[Article], analyzer: Analyzer) -> set[str]:
    texts = (f"{article.title} {' '.join(article.tags)} {article.body}" for article in articles)
    return {analyzer.lemma(token) for text in texts for token in tokens(text)}
