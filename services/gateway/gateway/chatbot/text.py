"""Polish-aware text analysis for retrieval: tokens -> lemmas (simplemma, whose dictionaries ship
in the package) -> folded to ASCII, so "złożyć", "złożę" and the diacritic-less "zlozyc" that
people type all become one term.

A lemmatiser cannot read "zlozyc" (no such form), so forms are first restored through a map from
folded forms to lemmas, built from simplemma's dictionary and kept only for lemmas that occur in
the knowledge base (a few thousand entries instead of 3.7 million).
"""
import re
import unicodedata
from collections.abc import Iterable

import simplemma
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

# Lookups go through simplemma's low-memory dictionaries (~60 MB for Polish and English instead
# of ~400 MB per process); the full dictionary is loaded only while the index is built.
LEMMATIZER = simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))

TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*", re.UNICODE)
PREFIX_LENGTH = 5
FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")

STOPWORDS = {
    "pl": set("""a aby ale albo bo by być był była było co czy czyli dla do gdy gdzie go i ich ile
        im in ja jak jaki jaka jakie jest jestem już kiedy kto który która które ktoś lub ma mam
        mi mnie może można mój moja moje na nad nam nas nie nią nic niż o od oraz po pod przez
        przy sie się są ta tak tam te tego tej temu to ten też tu ty u w we więc wszystko z za
        ze że żeby mój swój swoja swoje jeśli jesli czy coś cos no hej tez juz tez prosze proszę
        dzień dobry dzien witam pytanie chciałbym chcialbym chciałabym chcialabym trzeba musieć
        musze muszę mieć moc mozna móc dostać przyjść czekać znaleźć znajda dowiedzieć pisać
        prosić dlaczego teraz zeszły ostatni chcieć wiedzieć potrzebować robić zrobić powiedzieć
        dziękować pan pani państwo ktoś coś jakiś taki bardzo dużo mało dalej daleko już
        jeszcze tylko właśnie dzwonić zapytać pytanie sprawa""".split()),
    "en": set("""a an the is are was were be been do does did i me my you your we our he she it
        its they them of to in on at for from by with as and or not no if what when where which
        who how can could should would will shall have has had this that these those there
        about into up out so than then any some""".split()),
}


# Abbreviations people inflect ("w picie", "pitu", "vatu") that a lemmatiser takes for other
# words ("pit" -> "pita"): folded form -> term.
ABBREVIATIONS = {form: term for term, forms in {
    "pit": "pit pitu pita picie pitem pity pitow pitach",
    "pcc": "pcc pcc-3 pccu",
    "vat": "vat vatu vacie vatem",
    "upo": "upo upa",
    "krs": "krs",
    "zus": "zus zusu zusie",
    "ksef": "ksef ksefie ksefu",
}.items() for form in forms.split()}

# Colloquial words and the knowledge base's wording for them: a query term also searches
# for these (both sides go through the same analysis).
SYNONYMS = {
    "pl": {
        "kiedy": "termin", "skarbówka": "urząd skarbowy", "śmieci": "odpady",
        "śmieciowy": "odpady", "auto": "samochód", "nr": "numer", "konto": "rachunek",
        "mail": "e-mail", "email": "e-mail", "firma": "działalność gospodarcza",
        "pensja": "wynagrodzenie umowa o pracę", "wypłata": "wynagrodzenie",
        "pomylić": "błąd pomyłka", "przelew": "wpłata", "ciężarówka": "samochód ciężarowy",
        "pole": "grunt rolny", "rozliczenie": "zeznanie", "spóźnić": "zwłoka odsetki",
        "metr": "m²", "zalogować": "konto", "oddać": "zwrot", "odziedziczyć": "spadek",
        "wynajmować": "najem", "pożyczyć": "pożyczka", "dać": "darowizna",
        "zapłacić": "płatność wpłata", "płacić": "płatność", "opłacać": "płatność",
        "widzieć": "dostęp uwierzytelnienie", "jednorazowo": "jednorazowy",
        # family, as the inheritance and gift tax groups name it
        "mama": "rodzice najbliższa rodzina", "matka": "rodzice najbliższa rodzina",
        "tata": "rodzice najbliższa rodzina", "tato": "rodzice najbliższa rodzina",
        "ojciec": "rodzice najbliższa rodzina", "brat": "rodzeństwo najbliższa rodzina",
        "siostra": "rodzeństwo najbliższa rodzina", "syn": "dzieci najbliższa rodzina",
        "córka": "dzieci najbliższa rodzina", "dziadek": "dziadkowie najbliższa rodzina",
        "babcia": "dziadkowie najbliższa rodzina", "wnuk": "wnuki najbliższa rodzina",
        "żona": "małżonek", "mąż": "małżonek", "ciocia": "rodzeństwo rodziców grupa",
        "ciotka": "rodzeństwo rodziców grupa", "wujek": "rodzeństwo rodziców grupa",
        "wujko": "rodzeństwo rodziców grupa", "kuzyn": "inne osoby grupa",
        "kuzyna": "inne osoby grupa", "kuzynka": "inne osoby grupa",
        "znajomy": "inne osoby", "kolega": "inne osoby",
    },
    "en": {"garbage": "waste", "rubbish": "waste", "late": "interest", "phone": "helpline"},
}


def fold(text: str) -> str:
    """Lower case without Polish diacritics (and any other combining marks)."""
    folded = text.lower().translate(FOLD)
    return "".join(ch for ch in unicodedata.normalize("NFKD", folded)
                   if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return [match.group(0) for match in TOKEN.finditer(text)]


def bigrams(terms: list[str]) -> list[str]:
    """Adjacent term pairs: "podatek od nieruchomości" is more than "podatek" and "nieruchomość"."""
    return [f"{first}+{second}" for first, second in zip(terms, terms[1:], strict=False)]


def prefix(term: str) -> str | None:
    """A crude stem for words the lemmatiser does not know (typos, rare inflections):
    "pozyczylem" and "pożyczka" share "pozyc"."""
    return f"{term[:PREFIX_LENGTH]}~" if len(term) > PREFIX_LENGTH and term.isalpha() else None


def detect_language(text: str, default: str = "pl") -> str:
    """Polish or English; undecided short texts keep `default` (the request's language)."""
    if any(ch in "ąćęłńóśźż" for ch in text.lower()):
        return "pl"
    scores = dict(simplemma.langdetect(text, lang=("pl", "en"), low_memory=True))
    if abs(scores.get("pl", 0) - scores.get("en", 0)) < 0.2:
        return default
    return "pl" if scores.get("pl", 0) > scores.get("en", 0) else "en"


class Analyzer:
    """Turns text into index terms for one language."""

    def __init__(self, lang: str):
        self.lang = lang
        # Stop words are compared after lemmatisation ("mamy" -> "mama"!), so keep both forms.
        self.stopwords = ({fold(word) for word in STOPWORDS[lang]}
                          | {fold(LEMMATIZER.lemmatize(word, lang=lang)) for word in STOPWORDS[lang]})
        self.restored: dict[str, str] = {}  # folded form -> lemma, for diacritic-less input
        self.synonyms = {fold(LEMMATIZER.lemmatize(word, lang=lang)): set(self.terms(meaning))
                         for word, meaning in SYNONYMS[lang].items()}

    def lemma(self, token: str) -> str:
        lowered = token.lower()
        if fold(lowered) in ABBREVIATIONS:
            return ABBREVIATIONS[fold(lowered)]
        if lowered in self.restored:
            return self.restored[lowered]
        return LEMMATIZER.lemmatize(lowered, lang=self.lang)

    def terms(self, text: str) -> list[str]:
        return [term for term in self._all_terms(text) if term not in self.stopwords]

    def _all_terms(self, text: str) -> list[str]:
        # A stop word stays itself: restoring "ja" could make it "ją" -> "on".
        return [folded if folded in self.stopwords else fold(self.lemma(token))
                for token in tokens(text) for folded in (fold(token),)]

    def query_terms(self, text: str) -> tuple[list[str], set[str]]:
        """The question's own terms in order, and the terms its colloquial words stand for
        (a stop word such as "kiedy" may still stand for one: "termin")."""
        all_terms = self._all_terms(text)
        own = [term for term in all_terms if term not in self.stopwords]
        expanded = set()
        for term in all_terms:
            expanded.update(self.synonyms.get(term, ()))
        return own, expanded - set(own)

    def learn_forms(self, lemmas: Iterable[str]) -> None:
        """Map every folded form of these lemmas to the lemma (Polish only: English needs no
        restoring). Ambiguous folded forms keep the first lemma met."""
        if self.lang != "pl":
            return
        wanted = {lemma.encode() for lemma in lemmas}
        for form, lemma in _dictionary_items(self.lang):
            if lemma in wanted:
                self.restored.setdefault(fold(form.decode()), lemma.decode())


def _dictionary_items(lang: str):
    # A private factory: the full dictionary is freed with it once the forms are learnt.
    dictionary = DefaultDictionaryFactory().get_dictionary(lang)
    # The raw bytes mapping iterates ten times faster than the decoding wrapper.
    raw = getattr(dictionary, "_dict", None)
    if raw is not None:
        return raw.items()
    return ((form.encode(), lemma.encode()) for form, lemma in dictionary.items())
