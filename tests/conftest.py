"""Fixtures of the apps that the cross-cutting tests in tests/ use too."""

from requests_desk.tests.conftest import categories, make_request  # noqa: F401
