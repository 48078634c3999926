import pytest

from notifications.sms import LocmemSmsBackend


@pytest.fixture(autouse=True)
def _sms_locmem(settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox = []
    yield LocmemSmsBackend.outbox


@pytest.fixture
def sms_outbox(_sms_locmem):
    return _sms_locmem


@pytest.fixture
def daytime(time_machine):
    """10:00 on a weekday in Shanghai: outside the default quiet hours."""
    import datetime
    import zoneinfo

    time_machine.move_to(
        datetime.datetime(2026, 3, 4, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=True
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "worker: starts a real Celery worker against Redis")
