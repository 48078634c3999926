"""Attachments for e-mails in the outbox, rendered when the e-mail is sent.

A notification stores a reference "resolver:argument" (e.g. "reports.xlsx:42"), not the file:
the outbox stays small and the file is rendered from immutable data at send time. An app registers
its resolvers in AppConfig.ready():

    from notifications.attachments import attachment_resolver_register
    attachment_resolver_register("reports.xlsx", report_xlsx_attachment)

A resolver takes the argument string and returns (filename, content bytes, MIME type).
"""

from collections.abc import Callable

Resolver = Callable[[str], tuple[str, bytes, str]]
RESOLVERS: dict[str, Resolver] = {}


def attachment_resolver_register(name: str, resolver: Resolver) -> None:
    RESOLVERS[name] = resolver


def attachment_render(reference: str) -> tuple[str, bytes, str]:
    name, _, argument = reference.partition(":")
    try:
        resolver = RESOLVERS[name]
    except KeyError as exc:
        raise LookupError(f"no attachment resolver named {name!r}") from exc
    return resolver(argument)
