"""SIGKILL identity mid-registration and notifications mid-sending, restart them, and check
that nothing promised was lost or duplicated. `make chaos` runs the same with 60 kills."""
import pytest
from chaos import run
from chaos_registration import RegistrationScenario


@pytest.mark.slow
def test_registrations_survive_killed_services():
    report = run(RegistrationScenario("k"), kills=4, seed=11, pause=(0.5, 1.5))
    print(report.summary())
    assert report.kills == 4
    assert report.accepted > 0
    assert report.lost == [] and report.duplicated == [], report.summary()
    assert report.notes["bad_responses"] == 0 and report.notes["raised"] == 0, report.summary()
    # Messages stranded by a kill between storing and sending are kept (status queued/sending),
    # so a resender can finish them; main has none yet, so they are reported, not failed on.
    assert all(status in ("queued", "sending") for status, _ in report.stranded)
