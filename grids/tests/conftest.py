"""Fixtures of the hierarchy's tests; the request categories come from the requests desk's."""

from requests_desk.tests.conftest import categories  # noqa: F401 - shared fixture
