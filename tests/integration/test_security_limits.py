"""Limits on secrets that the other suites do not already prove (login per account and address,
e-mail codes, reset requests, device PINs and CAPTCHA reuse are in test_account_life,
test_registration_slice and test_devices_and_staff): one guess per CAPTCHA, five per SMS code."""
from helpers import registration

from portal_shared.contracts import identity


def test_a_wrong_captcha_answer_spends_the_captcha(client):
    form = registration(client)
    wrong = "A" if form["captcha_answer"] != "A" else "B"
    guessed = client.post("/api/v1/registrations", json={**form, "captcha_answer": wrong})
    assert guessed.status_code == 400 and "captcha_answer" in guessed.get_json()["error"]["fields"]
    second_guess = client.post("/api/v1/registrations", json=form)  # now with the right answer
    assert second_guess.status_code == 400
    assert list(second_guess.get_json()["error"]["fields"]) == ["captcha_answer"]
    assert client.post("/api/v1/registrations", json=registration(client)).status_code == 201


def test_five_wrong_sms_codes_void_the_code(client, identity_events):
    account = client.post("/api/v1/registrations", json=registration(client)).get_json()
    [sms] = identity_events.wait_for(identity.PHONE_VERIFICATION_REQUESTED, account_id=account["account_id"])
    wrong = "000000" if sms["code"] != "000000" else "111111"
    answers = [client.post("/api/v1/phone-verifications",
                           json={"account_id": account["account_id"], "code": wrong}) for _ in range(5)]
    assert all(answer.status_code == 400 for answer in answers)
    assert "unieważniono" in answers[-1].get_json()["error"]["fields"]["code"][0]
    late = client.post("/api/v1/phone-verifications", json={"account_id": account["account_id"], "code": sms["code"]})
    assert late.status_code == 400
