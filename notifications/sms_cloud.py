"""SMS through the two gateways Chinese districts use: Alibaba Cloud SMS (阿里云短信服务) and
Tencent Cloud SMS (腾讯云短信). Chosen by REDGRID_SMS_BACKEND:

    notifications.sms_cloud.AliyunSmsBackend     Alibaba Cloud, API Dysmsapi 2017-05-25 SendSms
    notifications.sms_cloud.TencentSmsBackend    Tencent Cloud, API sms 2021-01-11 SendSms

Why the providers' official SDKs (`alibabacloud_dysmsapi20170525` with
`alibabacloud_tea_openapi`; `tencentcloud-sdk-python-sms` with `tencentcloud-sdk-python-common`,
all from PyPI) rather than hand-written HTTP calls: both APIs sign every request with
provider-specific schemes (Alibaba's ACS3-HMAC-SHA256, Tencent's TC3-HMAC-SHA256) that the
providers change and version; their SDKs are maintained by the providers, follow those changes,
map the endpoints and regions, and turn the answers into typed objects and exceptions. The SDKs
are imported only when such a backend is used, so the log backend of development loads nothing.

Both send one approved template with one variable that carries the whole message (the gateways
send no free text): register a template such as `${content}` (Alibaba, variable name
REDGRID_SMS_TEMPLATE_PARAM) or `{1}` (Tencent) with the signature REDGRID_SMS_SIGN_NAME. The
provider's rules on variable length apply; a message it refuses raises here, and the outbox
retries it with backoff and finally marks it failed (notifications.delivery).

REDGRID_SMS_ENDPOINT replaces the provider's public endpoint (a VPC endpoint; the tests' local
fake server, `http://127.0.0.1:PORT`). Settings: docs/configuration.md; going live:
docs/going-live.md.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class SmsRefused(Exception):
    """The gateway answered but did not accept the message (its code and message)."""


def _gateway_settings() -> dict[str, str]:
    return {
        "REDGRID_SMS_ACCESS_KEY_ID": settings.REDGRID_SMS_ACCESS_KEY_ID,
        "REDGRID_SMS_ACCESS_KEY_SECRET": settings.REDGRID_SMS_ACCESS_KEY_SECRET,
        "REDGRID_SMS_APP_ID": settings.REDGRID_SMS_APP_ID,
        "REDGRID_SMS_SIGN_NAME": settings.REDGRID_SMS_SIGN_NAME,
        "REDGRID_SMS_TEMPLATE": settings.REDGRID_SMS_TEMPLATE,
    }


def _required(*names: str) -> dict[str, str]:
    known = _gateway_settings()
    values = {name: known[name] for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise ImproperlyConfigured(
            f"{settings.REDGRID_SMS_BACKEND} needs the environment variables {', '.join(missing)}."
        )
    return values


def _endpoint() -> tuple[str, str] | None:
    """(scheme, host[:port]) of REDGRID_SMS_ENDPOINT, or None for the provider's own."""
    endpoint = settings.REDGRID_SMS_ENDPOINT
    if not endpoint:
        return None
    parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
    return parts.scheme or "https", parts.netloc


def mainland(phone: str) -> str:
    """11-digit mainland numbers as they are; others as given without spaces."""
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def e164(phone: str) -> str:
    """+86 for an 11-digit mainland number (Tencent wants E.164)."""
    phone = mainland(phone)
    return phone if phone.startswith("+") else f"+86{phone}"


class AliyunSmsBackend:
    """Alibaba Cloud SMS: SendSms with REDGRID_SMS_SIGN_NAME, REDGRID_SMS_TEMPLATE (template
    code, SMS_…) and the message in the variable REDGRID_SMS_TEMPLATE_PARAM; OutId is the
    outbox's message id."""

    def __init__(self):
        self.keys = _required(
            "REDGRID_SMS_ACCESS_KEY_ID",
            "REDGRID_SMS_ACCESS_KEY_SECRET",
            "REDGRID_SMS_SIGN_NAME",
            "REDGRID_SMS_TEMPLATE",
        )

    def _client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        timeout_ms = int(settings.REDGRID_SMS_TIMEOUT * 1000)
        config = Config(
            access_key_id=self.keys["REDGRID_SMS_ACCESS_KEY_ID"],
            access_key_secret=self.keys["REDGRID_SMS_ACCESS_KEY_SECRET"],
            connect_timeout=timeout_ms,
            read_timeout=timeout_ms,
        )
        endpoint = _endpoint()
        if endpoint:
            config.protocol, config.endpoint = endpoint
        return Client(config)

    def send(self, phone: str, text: str, *, message_id: str = "") -> None:
        from alibabacloud_dysmsapi20170525 import models

        request = models.SendSmsRequest(
            phone_numbers=mainland(phone),
            sign_name=self.keys["REDGRID_SMS_SIGN_NAME"],
            template_code=self.keys["REDGRID_SMS_TEMPLATE"],
            template_param=json.dumps(
                {settings.REDGRID_SMS_TEMPLATE_PARAM: text}, ensure_ascii=False
            ),
            out_id=message_id or None,
        )
        body = self._client().send_sms(request).body
        if (body.code or "").upper() != "OK":
            raise SmsRefused(f"{body.code}: {body.message}")


class TencentSmsBackend:
    """Tencent Cloud SMS: SendSms with REDGRID_SMS_APP_ID (SmsSdkAppId), REDGRID_SMS_SIGN_NAME,
    REDGRID_SMS_TEMPLATE (template id) and the message as its one parameter, in
    REDGRID_SMS_REGION; SessionContext is the outbox's message id."""

    def __init__(self):
        self.keys = _required(
            "REDGRID_SMS_ACCESS_KEY_ID",
            "REDGRID_SMS_ACCESS_KEY_SECRET",
            "REDGRID_SMS_APP_ID",
            "REDGRID_SMS_SIGN_NAME",
            "REDGRID_SMS_TEMPLATE",
        )

    def _client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        http = HttpProfile(reqTimeout=int(settings.REDGRID_SMS_TIMEOUT))
        endpoint = _endpoint()
        if endpoint:
            http = HttpProfile(
                protocol=endpoint[0],
                endpoint=endpoint[1],
                reqTimeout=int(settings.REDGRID_SMS_TIMEOUT),
            )
        return sms_client.SmsClient(
            credential.Credential(
                self.keys["REDGRID_SMS_ACCESS_KEY_ID"], self.keys["REDGRID_SMS_ACCESS_KEY_SECRET"]
            ),
            settings.REDGRID_SMS_REGION,
            ClientProfile(httpProfile=http),
        )

    def send(self, phone: str, text: str, *, message_id: str = "") -> None:
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [e164(phone)]
        request.SmsSdkAppId = self.keys["REDGRID_SMS_APP_ID"]
        request.SignName = self.keys["REDGRID_SMS_SIGN_NAME"]
        request.TemplateId = self.keys["REDGRID_SMS_TEMPLATE"]
        request.TemplateParamSet = [text]
        request.SessionContext = message_id
        answer = self._client().SendSms(request)
        statuses = answer.SendStatusSet or []
        if not statuses or (statuses[0].Code or "").lower() != "ok":
            status = statuses[0] if statuses else None
            raise SmsRefused(
                f"{getattr(status, 'Code', 'no status')}: {getattr(status, 'Message', '')}"
            )
