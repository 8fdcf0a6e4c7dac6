"""The development view of captured messages and the SMS operator's delivery callback."""
from portal_shared.config import Config


def test_dev_messages_lists_emails_sms_and_push(client):
    listed = client.get("/dev/messages").get_json()
    assert set(listed) == {"emails", "sms", "push"}
    assert all(isinstance(listed[kind], list) for kind in listed)


def test_sms_callback_needs_the_secret_and_answers_ok(client):
    assert client.get("/api/v1/callbacks/sms?token=wrong&MsgId=1&status=404").status_code == 403
    token = Config().sms_callback_token
    answer = client.get(f"/api/v1/callbacks/sms?token={token}&MsgId=unknown-1,unknown-2&status=404,404&idx=,")
    assert answer.status_code == 200 and answer.get_data(as_text=True) == "OK"
