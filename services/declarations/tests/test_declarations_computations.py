"""Tax and fee computations from the rates data."""
from datetime import date
from decimal import Decimal

import pytest

from declarations import computations, rates
from portal_shared.errors import ValidationFailed


def test_property_tax_sums_bases_per_category_and_rounds_the_total_to_zloty():
    data = {"tax_year": 2025, "months_from": 1, "objects": [
        {"kind": "building_residential", "base": "50.25"}, {"kind": "building_residential", "base": "20"},
        {"kind": "land_water", "base": "1.5"}]}
    result = computations.property_tax(data)
    assert [(c["kind"], c["base"], c["amount_grosze"]) for c in result["components"]] == [
        ("building_residential", "70.25", 8360), ("land_water", "1.5", 1026)]  # 83.5975 -> 83.60; 10.26
    assert result["total_exact_grosze"] == 9386 and result["annual_amount_grosze"] == 9400


@pytest.mark.parametrize(("grosze", "rounded"), [(4949, 4900), (4950, 5000), (10049, 10000), (0, 0)])
def test_rounding_to_whole_zloty_follows_article_63(grosze, rounded):
    assert computations.round_to_zloty(grosze) == rounded


def test_part_of_the_year_from_the_month_after_the_event():
    data = {"tax_year": 2026, "obligation_date": "2026-06-20", "objects": [{"kind": "building_business",
                                                                          "base": "100"}]}
    result = computations.property_tax(data)
    assert result["months_from"] == 7 and result["annual_amount_grosze"] == 355300
    assert result["amount_for_period_grosze"] == 177700  # July–December: 3553 zł × 6/12 = 1776.50 -> 1777 zł


def test_waste_fee_follows_the_rate_in_force_each_month_and_is_never_rounded():
    data = {"tax_year": 2022, "months_from": 5, "residents": 1, "sorted": True, "large_family_card": True}
    result = computations.waste_fee(data)
    # May–June 23 zł, July–December 27 zł, each less one fifth: 18.40 and 21.60
    assert [(c["base"], c["rate"], c["amount_grosze"]) for c in result["components"]] == [
        ("2", "18.4", 3680), ("6", "21.6", 12960)]
    assert result["annual_amount_grosze"] == 16640


def test_rates_are_data_and_a_year_without_rates_is_a_field_error():
    assert rates.property_tax_rate(2026, "building_business") == Decimal("35.53")
    with pytest.raises(ValidationFailed):
        rates.property_tax_rate(2019, "building_business")
    assert rates.waste_fee_rate(date(2025, 9, 1), sorted_=False) == Decimal("70.00")
