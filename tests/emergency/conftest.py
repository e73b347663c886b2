import pytest

from tests.emergency.command_fixtures import seed_incident_types


@pytest.fixture
def incident_types(django_db_blocker):
    """The incident type tree, whatever a transactional test before this one flushed."""
    with django_db_blocker.unblock():
        seed_incident_types()


from tests.emergency.plan_fixtures import plan, units  # noqa: E402, F401  (plan and response tests)
