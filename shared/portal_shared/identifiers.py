"""Polish identifiers, validated by python-stdnum, and marshmallow fields for them."""
import re

from marshmallow import ValidationError, fields
from stdnum import iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip, pesel, regon

POSTAL_CODE = re.compile(r"^\d{2}-\d{3}$")
# Polish mobile numbers: +48 and nine digits, mobile prefixes start with 4-8.
MOBILE = re.compile(r"^\+48[4-8]\d{8}$")


def _compact_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", value)
    if re.fullmatch(r"[4-8]\d{8}", digits):
        digits = "+48" + digits
    if digits.startswith("0048"):
        digits = "+" + digits[2:]
    return digits


def valid_pesel(value: str) -> str:
    return pesel.validate(value)


def valid_nip(value: str) -> str:
    return nip.validate(value)


def valid_regon(value: str) -> str:
    return regon.validate(value)


def valid_nrb(value: str) -> str:
    """A 26-digit Polish account number (NRB): its IBAN form must validate."""
    compact = re.sub(r"\s", "", value).upper().removeprefix("PL")
    if not re.fullmatch(r"\d{26}", compact):
        raise ValueError("nrb.invalid")
    iban.validate("PL" + compact)
    return compact


class _StdnumField(fields.String):
    validator = None
    error_code = "invalid"

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            return type(self).validator(text)
        except (StdnumError, ValueError) as exc:
            raise ValidationError(self.error_code) from exc


class Pesel(_StdnumField):
    validator = staticmethod(valid_pesel)
    error_code = "pesel.invalid"


class Nip(_StdnumField):
    validator = staticmethod(valid_nip)
    error_code = "nip.invalid"


class Nrb(_StdnumField):
    validator = staticmethod(valid_nrb)
    error_code = "nrb.invalid"


class PostalCode(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not POSTAL_CODE.match(text):
            raise ValidationError("postal_code.invalid")
        return text


class PolishMobile(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = _compact_phone(super()._deserialize(value, attr, data, **kwargs))
        if not MOBILE.match(text):
            raise ValidationError("phone.invalid")
        return text
