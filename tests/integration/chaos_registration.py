"""Chaos scenario on what main has: registrations (identity) and their verification e-mails
(notifications), with both services killed at random moments.

Promises checked (an e-mail stored but not yet handed to SMTP is "stranded": counted apart; the
notifications sweep sends it again, so after settling it should be none):
- every registration answered 201 has exactly one account;
- every account has exactly one verification e-mail (none lost, none sent twice);
- no e-mail goes to an address without an account (nothing sent for a rolled-back change).
A registration that timed out (503 while identity was dead) may still have been committed when
identity came back and took the request from its queue: it then must obey the same promises.
"""
import zlib
from datetime import date, timedelta

from chaos import Report, Scenario, System, deliveries_by_message_id
from helpers import registration


def pesel_for(run_tag: str, number: int) -> str:
    """A valid PESEL, distinct per (run, number): the run picks a birth date in 1950-1999,
    the number is the serial (a run makes fewer than 10,000 registrations)."""
    born = date(1950, 1, 1) + timedelta(days=zlib.crc32(run_tag.encode()) % 18262)
    digits = f"{born:%y%m%d}{number % 10000:04d}"
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 10) % 10
    return digits + str(check)


class RegistrationScenario(Scenario):
    services = ("identity", "notifications")
    kill_targets = ("identity", "notifications")

    def __init__(self, run_tag: str):
        self.run_tag = run_tag

    def drive_one(self, client, number: int) -> dict:
        login = f"chaos{self.run_tag}{number}"
        record = {"login": login, "email": f"{login}@example.pl", "status": None}
        try:
            form = self._form(client, number, login, record["email"])
            if form is None:
                record["status"] = "no_captcha"
                return record
            response = client.post("/api/v1/registrations", json=form)
            record["status"] = response.status_code
            record["body"] = response.get_json()
        except Exception as exc:  # the gateway must not raise; if it does, it is a finding
            record["status"] = f"raised {exc!r}"
        return record

    def _form(self, client, number, login, email, tries: int = 20) -> dict | None:
        for _ in range(tries):  # a real browser asks again when the service is restarting
            try:
                form = registration(client, login=login, email=email, pesel=pesel_for(self.run_tag, number))
                return form
            except (KeyError, TypeError):
                continue
        return None

    def check(self, system: System, records: list[dict], report: Report) -> None:
        accounts = {}
        prefix = f"chaos{self.run_tag}"  # this run's registrations only: a system may serve several
        for login, email in system.query("identity", "SELECT login, email FROM accounts"):
            if login.startswith(prefix):
                accounts.setdefault(login, []).append(email)
        ours = [m for m in system.mail_sink.messages() if any(r.startswith(prefix) for r in m["rcpt_to"])]
        by_message_id, report.notes["resent_same_message_id"] = deliveries_by_message_id(ours)
        mails = {}  # recipient -> distinct e-mails (Message-IDs) delivered
        for [message, *_resends] in by_message_id.values():
            for rcpt in message["rcpt_to"]:
                mails[rcpt] = mails.get(rcpt, 0) + 1
        accepted = [r for r in records if r["status"] == 201]
        report.accepted = len(accepted)
        report.notes["errors_5xx"] = sum(1 for r in records if isinstance(r["status"], int)
                                         and r["status"] >= 500 and r["status"] != 503)
        report.notes["raised"] = sum(1 for r in records if str(r["status"]).startswith("raised"))
        refused = sorted({field for r in records if r["status"] == 400 and isinstance(r.get("body"), dict)
                          for field in r["body"]["error"].get("fields", {"-": 0})})
        report.notes["refused_400"] = ",".join(refused) or "none"
        report.notes["unavailable_503"] = sum(1 for r in records if r["status"] == 503)
        report.notes["committed_after_timeout"] = sum(
            1 for r in records if r["status"] == 503 and r["login"] in accounts)
        # Killed after its commit but before its reply: the redelivered request ran again and
        # answered "taken", though the first run had registered the account.
        report.notes["refused_but_committed"] = sum(
            1 for r in records if r["status"] == 400 and r["login"] in accounts)
        unsent = {recipient: status for recipient, status in system.query(
            "notifications", "SELECT recipient, status FROM messages WHERE status <> 'sent'")}
        stranded = []
        for record in accepted:
            if record["login"] not in accounts:
                report.lost.append(("account", record["login"]))
        for login, emails in accounts.items():
            if len(emails) > 1:
                report.duplicated.append(("account", login))
            sent = mails.get(emails[0], 0)
            if sent == 0 and unsent.get(emails[0]) in ("queued", "sending"):
                stranded.append((unsent[emails[0]], emails[0]))
            elif sent == 0:
                report.lost.append(("email", emails[0]))
            elif sent > 1:
                report.duplicated.append(("email", emails[0]))
        # Stored but not sent yet: the process died between committing the message and handing
        # it to SMTP; the sweep sends it later. Not lost without trace, but not delivered.
        report.stranded = stranded
        known = {email for emails in accounts.values() for email in emails}
        for rcpt in mails:
            if rcpt not in known:
                report.duplicated.append(("email_without_account", rcpt))
