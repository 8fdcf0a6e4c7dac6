"""Public pages render from the content files, in Polish by default and English on request."""


def test_polish_by_default_and_english_after_choosing_it(client):
    assert '<html lang="pl">' in client.get("/rates/2026").get_data(as_text=True)
    switched = client.get("/language/en?next=/rates/2026")
    assert switched.status_code == 302 and switched.headers["Location"] == "/rates/2026"
    page = client.get("/rates/2026").get_data(as_text=True)
    assert '<html lang="en">' in page and "business buildings" in page and "35.53" in page


def test_the_language_switch_never_redirects_off_the_site(client):
    assert client.get("/language/en?next=//evil.example/").headers["Location"] == "/"


def test_rates_use_a_decimal_comma_in_polish(client):
    assert "35,53" in client.get("/rates/2026").get_data(as_text=True)


def test_the_interest_calculator_shows_the_periods_and_the_rounded_total(client):
    page = client.get("/interest-calculator?amount=10000,00&due=2023-03-15&paid=2023-09-20")
    text = page.get_data(as_text=True)
    assert "791,10 zł" in text and "57,53 zł" in text and "<strong>849 zł</strong>" in text


def test_calculator_errors_are_summarised_and_linked_to_their_fields(client):
    text = client.get("/interest-calculator?amount=abc&due=2023-13-01&paid=2023-09-20").get_data(as_text=True)
    assert '<a href="#f-amount">Podaj kwotę większą od zera' in text
    assert '<a href="#f-due">Podaj datę w formacie RRRR-MM-DD.</a>' in text
    assert 'aria-describedby="f-amount-hint f-amount-error"' in text
    assert text.count('aria-invalid="true"') == 2


def test_faq_search_finds_by_words_without_diacritics(client):
    text = client.get("/faq?q=uwierzytelnic").get_data(as_text=True)
    assert "Dlaczego muszę uwierzytelnić konto" in text


def test_an_unknown_page_is_an_html_404_and_an_unknown_api_path_is_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "not_found"


def test_my_account_without_a_session_leads_to_sign_in(client):
    answer = client.get("/account")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login?next=/account"
