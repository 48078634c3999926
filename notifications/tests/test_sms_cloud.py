"""The Alibaba Cloud and Tencent Cloud SMS backends, through their official SDKs, against a local
fake of each API (a tiny http.server; REDGRID_SMS_ENDPOINT points the SDK at it): what they send,
that they sign it, that a refusal or a server error raises (so the outbox retries), and the
whole path from the outbox."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

from notifications.delivery import deliver_pending
from notifications.models import Notification
from notifications.services import notification_enqueue
from notifications.sms import sms_backend
from notifications.sms_cloud import AliyunSmsBackend, SmsRefused, TencentSmsBackend

ALIYUN_OK = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r1"}
ALIYUN_LIMIT = {
    "Code": "isv.BUSINESS_LIMIT_CONTROL",
    "Message": "触发分钟级流控",
    "RequestId": "r2",
}


def tencent_answer(code="Ok", message="send success"):
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": "5000:1045710669157053657849499619",
                    "PhoneNumber": "+8613812345678",
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": code,
                    "Message": message,
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


class FakeGateway:
    """Records each request (path, headers, body) and answers `answer` with `status`."""

    def __init__(self):
        self.requests = []
        self.answer = {}
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                gateway.requests.append({"path": self.path, "headers": self.headers, "body": body})
                data = json.dumps(gateway.answer).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    fake = FakeGateway()
    yield fake
    fake.close()


@pytest.fixture
def aliyun(settings, gateway):
    settings.REDGRID_SMS_BACKEND = "notifications.sms_cloud.AliyunSmsBackend"
    settings.REDGRID_SMS_ACCESS_KEY_ID = "LTAI-test-key"
    settings.REDGRID_SMS_ACCESS_KEY_SECRET = "test-secret"
    settings.REDGRID_SMS_SIGN_NAME = "红网格"
    settings.REDGRID_SMS_TEMPLATE = "SMS_123456789"
    settings.REDGRID_SMS_ENDPOINT = gateway.url
    gateway.answer = ALIYUN_OK
    return gateway


@pytest.fixture
def tencent(settings, gateway):
    settings.REDGRID_SMS_BACKEND = "notifications.sms_cloud.TencentSmsBackend"
    settings.REDGRID_SMS_ACCESS_KEY_ID = "AKID-test"
    settings.REDGRID_SMS_ACCESS_KEY_SECRET = "test-secret"
    settings.REDGRID_SMS_APP_ID = "1400006666"
    settings.REDGRID_SMS_SIGN_NAME = "红网格"
    settings.REDGRID_SMS_TEMPLATE = "449739"
    settings.REDGRID_SMS_ENDPOINT = gateway.url
    gateway.answer = tencent_answer()
    return gateway


def test_aliyun_sends_the_template_with_the_message_signed(aliyun):
    sms_backend().send("13812345678", "您的诉求 ABC 已受理。", message_id="redgrid-7")
    (sent,) = aliyun.requests
    query = {k: v[0] for k, v in parse_qs(urlsplit(sent["path"]).query).items()}
    assert query["PhoneNumbers"] == "13812345678"
    assert query["SignName"] == "红网格" and query["TemplateCode"] == "SMS_123456789"
    assert json.loads(query["TemplateParam"]) == {"content": "您的诉求 ABC 已受理。"}
    assert query["OutId"] == "redgrid-7"
    assert sent["headers"]["x-acs-action"] == "SendSms"
    assert "LTAI-test-key" in sent["headers"]["Authorization"]
    assert "test-secret" not in json.dumps(dict(sent["headers"]))


def test_aliyun_refusal_and_server_error_raise(aliyun):
    aliyun.answer = ALIYUN_LIMIT
    with pytest.raises(SmsRefused, match="BUSINESS_LIMIT_CONTROL"):
        AliyunSmsBackend().send("13812345678", "text")
    aliyun.status, aliyun.answer = 500, {"Code": "InternalError", "Message": "boom"}
    with pytest.raises(Exception):  # noqa: B017 - the SDK's own server exception
        AliyunSmsBackend().send("13812345678", "text")


def test_tencent_sends_the_template_with_the_message_signed(tencent):
    sms_backend().send("13812345678", "您的诉求 ABC 已受理。", message_id="redgrid-8")
    (sent,) = tencent.requests
    body = json.loads(sent["body"])
    assert body["PhoneNumberSet"] == ["+8613812345678"]
    assert body["SmsSdkAppId"] == "1400006666" and body["TemplateId"] == "449739"
    assert body["SignName"] == "红网格" and body["TemplateParamSet"] == ["您的诉求 ABC 已受理。"]
    assert body["SessionContext"] == "redgrid-8"
    assert sent["headers"]["X-TC-Action"] == "SendSms"
    assert sent["headers"]["X-TC-Region"] == "ap-guangzhou"
    assert sent["headers"]["Authorization"].startswith("TC3-HMAC-SHA256 Credential=AKID-test/")


def test_tencent_refusal_and_api_error_raise(tencent):
    tencent.answer = tencent_answer(
        "LimitExceeded.PhoneNumberDailyLimit", "单个手机号日下发条数超过设定的上限"
    )
    with pytest.raises(SmsRefused, match="PhoneNumberDailyLimit"):
        TencentSmsBackend().send("13812345678", "text")
    tencent.answer = {
        "Response": {
            "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"},
            "RequestId": "r",
        }
    }
    with pytest.raises(Exception, match="SignatureFailure"):
        TencentSmsBackend().send("13812345678", "text")


def test_missing_settings_are_named(settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms_cloud.TencentSmsBackend"
    settings.REDGRID_SMS_ACCESS_KEY_ID = ""
    settings.REDGRID_SMS_APP_ID = ""
    with pytest.raises(ImproperlyConfigured, match="REDGRID_SMS_APP_ID"):
        TencentSmsBackend()


@pytest.mark.django_db
def test_the_outbox_delivers_through_the_gateway_and_retries_a_refusal(aliyun, daytime):
    notification_enqueue(
        kind="request_stage", subject="s", body="您的诉求已受理", phone="13812345678"
    )
    deliver_pending(time_budget=10)
    row = Notification.objects.get(channel="sms")
    assert row.sent_at is not None and len(aliyun.requests) == 1
    aliyun.answer = ALIYUN_LIMIT
    notification_enqueue(kind="request_stage", subject="s", body="第二条", phone="13812345678")
    deliver_pending(time_budget=10)
    second = Notification.objects.filter(channel="sms").latest("id")
    assert second.sent_at is None and second.attempts == 1 and "BUSINESS_LIMIT" in second.last_error
