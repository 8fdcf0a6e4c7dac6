"""The helpline chatbot: Polish-aware retrieval over the knowledge base (`content/`), answers
that cite their entry, and hand-over to a consultants' queue when it does not know."""
from gateway.chatbot.bot import Chatbot, Reply

__all__ = ["MESSAGES", "Chatbot", "Reply"]

MESSAGES: dict[str, tuple[str, str]] = {
    "chatbot.handover.unknown": (
        "Nie znam odpowiedzi na to pytanie. Przekazuję rozmowę konsultantowi — odpowie tutaj, "
        "gdy tylko będzie dostępny. Poniżej artykuły, które mogą pomóc w międzyczasie.",
        "I don't know the answer to this question. I am passing the conversation to a "
        "consultant, who will answer here as soon as possible. Meanwhile these articles may help."),
    "chatbot.handover.out_of_scope": (
        "Na pytania z tego zakresu odpowiadają konsultanci. Przekazuję rozmowę do właściwej "
        "kolejki — konsultant odpowie tutaj.",
        "Consultants answer questions on this subject. I am passing the conversation to the "
        "right queue; a consultant will answer here."),
    "chatbot.handover.requested": (
        "Przekazuję rozmowę konsultantowi. Odpowie tutaj, gdy tylko będzie dostępny.",
        "I am passing the conversation to a consultant, who will answer here as soon as possible."),
    "chatbot.too_many_messages": (
        "Za dużo wiadomości w krótkim czasie. Odczekaj chwilę.",
        "Too many messages in a short time. Please wait a moment."),
    "chatbot.waiting_for_consultant": (
        "Rozmowa czeka na konsultanta; Twoja wiadomość zostanie mu przekazana.",
        "The conversation is waiting for a consultant, who will see your message."),
}
