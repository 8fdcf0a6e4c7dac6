from datetime import date
from decimal import Decimal

import pytest

from gateway.interest_estimate import late_payment_interest

RATES = [(date(2023, 10, 5), Decimal("14.50")), (date(2022, 9, 8), Decimal("16.50")),
         (date(2023, 9, 7), Decimal("15.00"))]
THRESHOLD = Decimal("8.70")


def test_the_worked_example_spans_two_rates_and_rounds_to_full_zloty():
    estimate = late_payment_interest(Decimal("10000.00"), date(2023, 3, 15), date(2023, 9, 20),
                                     RATES, THRESHOLD)
    assert [(p.start, p.end, p.days, p.rate_percent, p.interest) for p in estimate.periods] == [
        (date(2023, 3, 16), date(2023, 9, 6), 175, Decimal("16.50"), Decimal("791.10")),
        (date(2023, 9, 7), date(2023, 9, 20), 14, Decimal("15.00"), Decimal("57.53")),
    ]
    assert estimate.exact == Decimal("848.63")
    assert estimate.charged == 849 and not estimate.below_threshold


def test_interest_not_above_the_threshold_is_not_charged():
    estimate = late_payment_interest(Decimal("1000.00"), date(2023, 3, 15), date(2023, 3, 30),
                                     RATES, THRESHOLD)
    assert estimate.exact == Decimal("6.78")  # 15 days at 16.5%
    assert estimate.charged == 0 and estimate.below_threshold


def test_paying_on_the_due_date_costs_nothing():
    estimate = late_payment_interest(Decimal("500"), date(2023, 3, 15), date(2023, 3, 15), RATES, THRESHOLD)
    assert estimate.periods == () and estimate.charged == 0


def test_a_date_before_any_known_rate_is_refused():
    with pytest.raises(ValueError):
        late_payment_interest(Decimal("500"), date(2020, 1, 1), date(2020, 2, 1), RATES, THRESHOLD)
