"""The one pattern of a mainland China mobile number (11 digits, 13x–19x), used by every form,
import and service that takes one."""

import re

MOBILE_PHONE = re.compile(r"^1[3-9]\d{9}$")
