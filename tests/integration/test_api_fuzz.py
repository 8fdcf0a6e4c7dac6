"""Schemathesis against the OpenAPI document: generated requests, valid and invalid, against
the real services. No 5xx, and every response (errors included) in its documented shape.

`positive_data_acceptance` is left out: a well-formed request may still be refused by the
domain (a wrong code, an expired CAPTCHA) with a documented 400."""
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

TOTAL_REQUESTS = 1200  # spread over the operations, so the run stays short as the API grows


@pytest.fixture
def api_schema(gateway_app, client):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", gateway_app)


def test_generated_requests_get_documented_answers_and_never_a_server_error(api_schema):
    sent = 0
    operations = [result.ok() for result in api_schema.get_all_operations()]
    per_operation = settings(max_examples=max(20, TOTAL_REQUESTS // len(operations)), deadline=None,
                             derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    for operation in operations:

        @per_operation
        @given(case=operation.as_strategy())
        def check(case):
            nonlocal sent
            sent += 1
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        started = time.monotonic()
        check()
        print(f"{operation.label}: {time.monotonic() - started:.1f}s")
    print(f"schemathesis: {sent} generated requests")
    assert sent >= 1000


def test_stateful_sequences_never_break_the_api(api_schema):
    class Machine(api_schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, additional_checks=additional_checks,
                                   excluded_checks=[positive_data_acceptance], transport_kwargs=kwargs or None)

    Machine.run(settings=settings(max_examples=20, stateful_step_count=5, deadline=None,
                                  derandomize=True, database=None, suppress_health_check=list(HealthCheck)))
