"""A wizard step between the service's normalised values and an HTML form, both ways."""
from werkzeug.datastructures import MultiDict

from gateway.web import wizard_form

FIELDS = [
    {"name": "amount", "type": "money"},
    {"name": "area", "type": "decimal"},
    {"name": "truthful", "type": "boolean"},
    {"name": "note", "type": "text"},
    {"name": "reliefs", "type": "multichoice", "options": ["a", "b"]},
    {"name": "objects", "type": "rows", "row": [{"name": "kind", "type": "choice"},
                                                 {"name": "base", "type": "decimal"}]},
]


def test_stored_values_show_as_typed_in_the_page_language(make_app):
    app = make_app()
    stored = {"amount": 123456, "area": "84.50", "truthful": True, "objects": [{"kind": "land_other", "base": "0.5"}]}
    with app.test_request_context("/"):
        assert wizard_form.shown(FIELDS, stored) == {"amount": "1234,56", "area": "84,50", "truthful": True,
                                                     "objects": [{"kind": "land_other", "base": "0,5"}]}
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert wizard_form.shown(FIELDS, {"amount": -5})["amount"] == "-0.05"


def test_a_posted_step_drops_blank_rows_and_sends_unchecked_boxes_as_no():
    form = MultiDict([("amount", " 12,50 "), ("note", ""), ("reliefs", "a"), ("reliefs", "b"),
                      ("objects.count", "3"), ("objects.0.kind", ""), ("objects.0.base", ""),
                      ("objects.1.kind", "land_other"), ("objects.1.base", "3"), ("objects.2.kind", "")])
    values = wizard_form.read(FIELDS, form)
    assert values["objects"] == [{"kind": "land_other", "base": "3"}]
    assert wizard_form.payload(FIELDS, values) == {"amount": "12,50", "truthful": False, "reliefs": ["a", "b"],
                                                   "objects": [{"kind": "land_other", "base": "3"}]}


def test_a_forged_row_count_is_capped_or_ignored():
    rows = [{**FIELDS[-1], "max_rows": 5}]
    assert wizard_form.read(rows, MultiDict([("objects.count", "100000000")]))["objects"] == []
    assert wizard_form.read(rows, MultiDict([("objects.count", "-1"), ("objects.0.kind", "x")]))["objects"] == []


def test_the_error_summary_follows_the_page_including_rows():
    assert wizard_form.order(FIELDS[-1:], {"objects": [{}, {}]}) == [
        "objects", "objects.0.kind", "objects.0.base", "objects.1.kind", "objects.1.base"]
    assert wizard_form.with_blank_row(FIELDS, {"objects": [{"kind": "x"}]}, "objects")["objects"] == [{"kind": "x"}, {}]
    assert wizard_form.with_blank_row(FIELDS, {}, "note") == {}
