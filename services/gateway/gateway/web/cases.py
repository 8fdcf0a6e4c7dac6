"""Cases and letters through pages. A letter is opened with a button, not by following a link:
opening records its delivery (the receipt, with legal effect), so link scanners and prefetching
must not do it for the taxpayer."""
from flask import Blueprint, Response, abort, redirect, render_template, url_for

from gateway.api import call
from gateway.auth import login_required
from gateway.blueprints.declarations import caller
from portal_shared.contracts import declarations as contract

bp = Blueprint("cases", __name__)


def _letter(letter_id) -> dict:
    """The letter as listed (no delivery recorded by looking)."""
    found = next((letter for letter in call(contract.LIST_LETTERS, **caller())
                  if letter["letter_id"] == str(letter_id)), None)
    if found is None:
        abort(404)
    return found


@bp.get("/cases")
@login_required
def cases():
    me = caller()
    return render_template("filing/cases.html", cases=call(contract.LIST_CASES, **me),
                           letters=call(contract.LIST_LETTERS, **me))


@bp.get("/cases/<uuid:case_id>")
@login_required
def case(case_id):
    return render_template("filing/case.html", case=call(contract.GET_CASE, **caller(), case_id=str(case_id)))


@bp.get("/letters/<uuid:letter_id>")
@login_required
def letter(letter_id):
    found = _letter(letter_id)
    if found["delivery"] != "pending":  # delivered already: reading again changes nothing
        found = call(contract.OPEN_LETTER, **caller(), letter_id=str(letter_id))
    return render_template("filing/letter.html", letter=found)


@bp.post("/letters/<uuid:letter_id>/opening")
@login_required
def open_letter(letter_id):
    call(contract.OPEN_LETTER, **caller(), letter_id=str(letter_id))
    return redirect(url_for(".letter", letter_id=letter_id))


@bp.get("/letters/<uuid:letter_id>/letter.txt")
@login_required
def download_letter(letter_id):
    found = _letter(letter_id)
    if found["delivery"] == "pending":  # only an opened letter is downloaded: opening is the receipt
        return redirect(url_for(".letter", letter_id=letter_id))
    found = call(contract.OPEN_LETTER, **caller(), letter_id=str(letter_id))
    content = render_template("filing/letter.txt", letter=found)
    return Response(content.encode(), mimetype="text/plain", headers={
        "Content-Disposition": f'attachment; filename="pismo-{letter_id}.txt"'})
