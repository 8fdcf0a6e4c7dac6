"""Text verification: an image of random characters, one use, short-lived."""
import base64
import secrets
from datetime import UTC, datetime, timedelta

from captcha.audio import AudioCaptcha
from captcha.image import ImageCaptcha
from sqlalchemy.orm import Session

from identity.models import Captcha
from portal_shared import constant_time

# No characters that people confuse (0/O, 1/I/l, 5/S, 2/Z, 8/B).
ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
LENGTH = 6
LIFETIME = timedelta(minutes=10)
_IMAGE = ImageCaptcha(width=240, height=80)
_AUDIO = AudioCaptcha()  # the voices (0-9, A-Z, in English) ship inside the `captcha` package


def new_captcha(session: Session) -> dict:
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    captcha = Captcha(answer=answer, expires_at=datetime.now(UTC) + LIFETIME)
    session.add(captcha)
    session.flush()
    png = _IMAGE.generate(answer, format="png").getvalue()
    return {"captcha_id": captcha.id, "image_png_base64": base64.b64encode(png).decode(),
            "expires_at": captcha.expires_at}


def consume(session: Session, captcha_id: str, answer: str) -> bool:
    """True when the answer is right. The CAPTCHA is spent either way: one guess each."""
    captcha = session.get(Captcha, str(captcha_id), with_for_update=True)
    now = datetime.now(UTC)
    if captcha is None or captcha.used_at is not None or captcha.expires_at < now:
        return False
    captcha.used_at = now
    return constant_time.equal(answer.strip().upper(), captcha.answer)


def audio_of(session: Session, captcha_id: str) -> bytes | None:
    """The same answer spoken, while the CAPTCHA is still good for its one try."""
    captcha = session.get(Captcha, str(captcha_id))
    if captcha is None or captcha.used_at is not None or captcha.expires_at < datetime.now(UTC):
        return None
    return bytes(_AUDIO.generate(captcha.answer))


def answer_of(session: Session, captcha_id: str) -> str | None:
    captcha = session.get(Captcha, str(captcha_id))
    return captcha.answer if captcha else None
