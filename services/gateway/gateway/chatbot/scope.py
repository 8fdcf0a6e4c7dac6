"""What the chatbot answers, and where everything else goes.

The chatbot answers PIT, PCC, SD and local-tax questions from the knowledge base (seed 003);
questions on other taxes and institutions are not guessed at from a neighbouring article but
handed to the consultants' queue that deals with them. The thematic queues are the helpline's
(`portal_shared.contracts.helpline.QUEUES`; the voicebot routes to them too)."""
from gateway.chatbot.text import Analyzer
from portal_shared.contracts.helpline import QUEUES

__all__ = ["GENERAL_QUEUE", "OTHER_TOPICS", "QUEUES", "QUEUE_OF_CATEGORY", "Scope"]
GENERAL_QUEUE = "pit"  # general tax information: the consultants who take PIT questions

# knowledge-base category -> the queue whose consultants handle it
QUEUE_OF_CATEGORY = {"pit": "pit", "pcc": "pit", "sd": "pit", "local_taxes": "local_taxes",
                     "payments": "payments", "eservices": "eservices"}

# Topics outside the knowledge base, by the words that name them, and their queue.
OTHER_TOPICS = {
    "pl": {"vat": "vat ksef jpk fiskalny", GENERAL_QUEUE: "cit akcyza cło zus składka"},
    "en": {"vat": "vat ksef", GENERAL_QUEUE: "cit corporate excise customs duty"},
}


class Scope:
    def __init__(self, analyzer: Analyzer):
        self.topic_terms = {queue: set(analyzer.terms(words))
                            for queue, words in OTHER_TOPICS[analyzer.lang].items()}
        self.analyzer = analyzer

    def other_topic_queue(self, question: str) -> str | None:
        """The queue of a topic the knowledge base does not cover, if the question names one."""
        terms = set(self.analyzer.terms(question))
        for queue, topic_terms in self.topic_terms.items():
            if terms & topic_terms:
                return queue
        return None
