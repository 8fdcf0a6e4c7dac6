"""Rates are data with effective years or dates (`rates/*.yaml`), never constants in code."""
import functools
from datetime import date
from decimal import Decimal
from importlib import resources

import yaml

from portal_shared.errors import ValidationFailed


def _load(name: str) -> dict:
    return yaml.safe_load(resources.files("declarations").joinpath("rates", name).read_text("utf-8"))


@functools.cache
def property_tax() -> dict:
    return _load("property_tax.yaml")


@functools.cache
def waste_fee() -> dict:
    return _load("waste_fee.yaml")


def property_tax_rate(year: int, kind: str) -> Decimal:
    rates = property_tax()["years"].get(year)
    if rates is None or kind not in rates:
        raise ValidationFailed({"tax_year": ["field.rate_missing"]})
    return Decimal(rates[kind])


def property_tax_unit(kind: str) -> str:
    return property_tax()["units"][kind]


def waste_fee_rate(on: date, sorted_: bool) -> Decimal:
    """The monthly rate per resident in force on a day."""
    periods = [p for p in waste_fee()["periods"] if p["from"] <= on]
    if not periods:
        raise ValidationFailed({"tax_year": ["field.rate_missing"]})
    period = max(periods, key=lambda p: p["from"])
    return Decimal(period["sorted" if sorted_ else "unsorted"])


def large_family_waiver() -> Decimal:
    return Decimal(waste_fee()["large_family_waiver"])
