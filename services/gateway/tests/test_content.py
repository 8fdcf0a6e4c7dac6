"""The office's content files load, and the knowledge-base search finds what people type."""
from pathlib import Path

import pytest

from gateway.content import ContentLibrary
from portal_shared.config import REPO_CONTENT_DIR


@pytest.fixture
def library():
    return ContentLibrary(str(REPO_CONTENT_DIR))


def test_search_ignores_case_and_polish_diacritics(library):
    found = library.search("faq", "WIADOMOSCI spam", "pl")
    assert [d.id for d in found] == ["sample-no-verification-email"]


def test_english_falls_back_to_polish_where_there_is_no_translation(library):
    assert library.document("faq", "sample-account-authentication", "en").lang == "en"
    assert library.document("faq", "sample-no-verification-email", "en").lang == "pl"


def test_every_rate_is_a_string_so_no_float_rounding_sneaks_in(library):
    assert library.rate_years() == [2025, 2026]
    for year in library.rate_years():
        for group in library.rates(year)["groups"]:
            assert all(isinstance(row["rate"], str) for row in group["rows"])


def test_an_edited_file_shows_without_a_restart(tmp_path: Path):
    (tmp_path / "faq").mkdir()
    entry = tmp_path / "faq" / "a.md"
    entry.write_text("---\nid: a\ntitle: Pierwsze\nlang: pl\n---\nTreść", encoding="utf-8")
    library = ContentLibrary(str(tmp_path))
    assert library.document("faq", "a", "pl").title == "Pierwsze"
    entry.write_text("---\nid: a\ntitle: Poprawione pytanie\nlang: pl\n---\nTreść", encoding="utf-8")
    assert library.document("faq", "a", "pl").title == "Poprawione pytanie"
