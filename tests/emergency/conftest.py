import pytest

from tests.emergency.command_fixtures import seed_incident_types


@pytest.fixture
def incident_types(django_db_blocker):
    """The incident type tree, whatever a transactional test before this one flushed."""
    with django_db_blocker.unblock():
        seed_incident_types()
