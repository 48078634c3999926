"""The OpenAPI schema of /api/v1/ documents the errors each operation can answer, not only its
success: clients (and schemathesis' status-code and content-type checks) learn every status code
and the shape of its body.

* 400 — on every operation: invalid input (field → messages, or `detail`), and malformed
  requests (a NUL character anywhere: redgrid.middleware.RejectNulBytesMiddleware);
* 401 — on every operation: not logged in where the operation needs it, or a bad token (even on
  public reads); with `WWW-Authenticate: Token` (the token authenticator comes first, so DRF
  answers 401 with its challenge);
* 403 — on every operation: logged in but not allowed (role, permission, CSRF);
* 404 — on operations with a path parameter: no such object, or outside the caller's
  jurisdiction;
* 503 — on every operation: the database is briefly unavailable (Retry-After,
  redgrid.middleware.DatabaseUnavailableMiddleware).

Operations that anonymous callers may use (the grids, locate, positions, request categories)
declare no security requirement.

It is `REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`, so every API view has it. A path under /api/ that
matches no route answers the same JSON 404 (redgrid.views.not_found).
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

ERROR = {
    "type": "object",
    "description": "What went wrong, in the user's language; `code` names the case where known.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "Each invalid field (or `non_field_errors`, or `detail`) with its messages.",
    "additionalProperties": {},
}


class ApiAutoSchema(AutoSchema):
    def get_auth(self):
        """Public reads (a permission that lets anonymous callers in) need no credentials: no
        security requirement, rather than drf-spectacular's "token, session, or none"."""
        auths = super().get_auth()
        return [] if {} in auths else auths

    def _error_component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
        )
        self.registry.register_on_missing(component)
        return component.ref

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        error = self._error_component("Error", ERROR)
        invalid = self._error_component("ValidationError", VALIDATION_ERROR)
        errors = [
            ("400", "Invalid input.", invalid),
            ("401", "Not logged in, or a bad token.", error),
            ("403", "Logged in, but not allowed.", error),
        ]
        if "{" in path:
            errors.append(("404", "No such object in your jurisdiction.", error))
        errors.append(("503", "The database is briefly unavailable; retry later.", error))
        responses = operation.setdefault("responses", {})
        for code, description, schema in errors:
            responses.setdefault(
                code,
                {"description": description, "content": {"application/json": {"schema": schema}}},
            )
        return operation
