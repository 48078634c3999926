"""The one pagination class of the REST API (`REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]`).

`?limit=` and `?offset=` as DRF's LimitOffsetPagination, but strict and bounded:

* `limit` is 1…MAX_LIMIT (default DEFAULT_LIMIT): a client cannot ask for all 12,720 Party
  members at once, and `limit=100000000000000000000` no longer reaches the database (where it
  overflowed into a 500);
* `offset` is 0…MAX_OFFSET;
* anything else — `offset=null`, `limit=true`, `-1`, `1e3` — is a 400 naming the parameter
  (core.query), not silently the default;
* the bounds are in the OpenAPI schema (minimum/maximum), so clients and schemathesis know them.
"""

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.views import APIView

from core.query import query_int

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_OFFSET = 10**9


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        return query_int(
            request.query_params,
            self.limit_query_param,
            minimum=1,
            maximum=self.max_limit,
            default=self.default_limit,
        )

    def get_offset(self, request: Request) -> int:
        return query_int(
            request.query_params, self.offset_query_param, minimum=0, maximum=MAX_OFFSET, default=0
        )

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {
                "minimum": 1,
                "maximum": self.max_limit,
                "default": DEFAULT_LIMIT,
            },
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
