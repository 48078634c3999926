# The handover tests give a leaving person open cases: the requests desk's fixtures.
from requests_desk.tests.conftest import categories, make_request  # noqa: F401
