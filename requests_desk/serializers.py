"""Serializers of the requests desk's REST API (requests_desk/api.py). Read-only shapes: writes go
through flow.transition. Personal data of the reporter is only ever masked here; the
full values are shown on the case page through the logged reveal (privacy.services)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from privacy.masking import mask_name, mask_phone
from requests_desk import flow
from requests_desk.models import Category, Request, RequestEvent, Stage


class SubCategorySerializer(serializers.ModelSerializer):
    limit_unit_label = serializers.CharField(source="get_limit_unit_display", read_only=True)

    class Meta:
        model = Category
        fields = (
            "id",
            "code",
            "name",
            "description",
            "limit_amount",
            "limit_unit",
            "limit_unit_label",
            "attributes",
        )


class CategoryTreeSerializer(serializers.ModelSerializer):
    """A top class with its active sub-classes."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    children = SubCategorySerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ("id", "code", "name", "kind", "kind_label", "description", "children")


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    top_class = serializers.CharField(source="parent.name", default="")


class NodeRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class MaskedReporterSerializer(serializers.Serializer):
    """Who reported it, masked (张**, 138****5678); never the full values."""

    name = serializers.CharField()
    phone = serializers.CharField()
    has_email = serializers.BooleanField()
    consent = serializers.BooleanField()
    anonymous = serializers.BooleanField()


# Typed nullable objects, written out rather than `allOf: [$ref]` + `nullable`: under OpenAPI
# 3.0.3 `nullable` does not apply to a lone $ref/allOf, so null would fail validation
# (drf-spectacular issue 925).
POINT_OR_NULL = {
    "type": "object",
    "nullable": True,
    "description": "WGS-84 point, or null when the request was placed by community and address.",
    "properties": {
        "lat": {"type": "number", "format": "double", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "format": "double", "minimum": -180, "maximum": 180},
    },
    "required": ["lat", "lon"],
}
NODE_OR_NULL = {
    "type": "object",
    "nullable": True,
    "description": "The area grid, or null when the request is placed in a community only.",
    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
    "required": ["code", "name"],
}


def _values(choices) -> str:
    return "One of: " + ", ".join(choices.values) + "."


class RequestListSerializer(serializers.ModelSerializer):
    # Plain strings rather than enums: the same names (source, closure_type) are other choice
    # sets in other apps' schemas, and drf-spectacular would have to invent enum names.
    stage = serializers.CharField(read_only=True, help_text=_values(Stage))
    source = serializers.CharField(read_only=True, help_text=_values(Request.Source))
    closure_type = serializers.CharField(read_only=True, help_text=_values(Request.ClosureType))
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    category = CategoryRefSerializer(read_only=True)
    street = NodeRefSerializer(read_only=True)
    community = NodeRefSerializer(read_only=True)
    grid = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()
    dispatched_to = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    nearly_due = serializers.SerializerMethodField()

    class Meta:
        model = Request
        fields = (
            "code",
            "stage",
            "stage_label",
            "source",
            "source_label",
            "category",
            "description",
            "address",
            "location",
            "street",
            "community",
            "grid",
            "created_at",
            "accepted_at",
            "filed_at",
            "dispatched_at",
            "due_at",
            "contact_due_at",
            "contacted_at",
            "handled_at",
            "closed_at",
            "closure_type",
            "extension_requested_until",
            "dispatched_to",
            "overdue",
            "nearly_due",
            "support_count",
        )

    def _now(self):
        # One "now" per response, so that overdue and nearly-due never overlap for a row.
        return self.context.setdefault("now", timezone.now())

    # Lists carry the flags annotated by RequestQuerySet.with_due_flags; a single case computes
    # them with the model's methods (the same predicates).

    @extend_schema_field(POINT_OR_NULL)
    def get_location(self, obj):
        return {"lat": obj.location.y, "lon": obj.location.x} if obj.location else None

    @extend_schema_field(NODE_OR_NULL)
    def get_grid(self, obj):
        return {"code": obj.grid.code, "name": obj.grid.name} if obj.grid_id else None

    def get_dispatched_to(self, obj) -> str:
        return obj.target_display()

    def get_overdue(self, obj) -> bool:
        flag = getattr(obj, "flag_overdue", None)
        return obj.is_overdue(self._now()) if flag is None else flag

    def get_nearly_due(self, obj) -> bool:
        flag = getattr(obj, "flag_nearly_due", None)
        return obj.is_nearly_due(self._now()) if flag is None else flag


class PhotoSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, obj) -> str:
        return obj.image.url


class TimelineEntrySerializer(serializers.ModelSerializer):
    from_stage = serializers.CharField(help_text="The stage before (empty for the report).")
    to_stage = serializers.CharField(help_text="The stage after.")
    by = serializers.CharField(source="actor_shown")
    # The system's text and the typed note, in the language of the call.
    note = serializers.CharField(source="staff_text")
    from_stage_label = serializers.CharField(source="get_from_stage_display")
    to_stage_label = serializers.CharField(source="get_to_stage_display")
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = RequestEvent
        fields = (
            "action",
            "from_stage",
            "from_stage_label",
            "to_stage",
            "to_stage_label",
            "by",
            "note",
            "public",
            "created_at",
            "photos",
        )


class AllowedActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()


class RequestDetailSerializer(RequestListSerializer):
    reporter = serializers.SerializerMethodField()
    photos = PhotoSerializer(source="report_photos", many=True, read_only=True)
    timeline = TimelineEntrySerializer(source="events", many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    merged_into = serializers.CharField(
        source="merged_into.code", default=None, allow_null=True, read_only=True
    )
    merged = serializers.SerializerMethodField()
    cancel_reason = serializers.CharField()
    rework_count = serializers.IntegerField()
    extension_count = serializers.IntegerField()
    redo_count = serializers.IntegerField()
    version = serializers.IntegerField(
        help_text="Send it back with an action: the action is refused if the case changed since."
    )

    class Meta(RequestListSerializer.Meta):
        fields = (
            *RequestListSerializer.Meta.fields,
            "reporter",
            "photos",
            "timeline",
            "allowed_actions",
            "merged_into",
            "merged",
            "cancel_reason",
            "rework_count",
            "extension_count",
            "redo_count",
            "attribute_values",
            "version",
        )

    @extend_schema_field(MaskedReporterSerializer)
    def get_reporter(self, obj):
        return {
            "name": mask_name(obj.reporter_name),
            "phone": mask_phone(obj.reporter_phone),
            "has_email": bool(obj.reporter_email),
            "consent": obj.consent,
            "anonymous": not (obj.reporter_name or obj.reporter_phone or obj.reporter_email),
        }

    @extend_schema_field(AllowedActionSerializer(many=True))
    def get_allowed_actions(self, obj):
        user = self.context["request"].user
        return [
            {"action": t.action, "label": str(t.label)} for t in flow.allowed_actions(obj, user)
        ]

    def get_merged(self, obj) -> list[str]:
        return [m.code for m in obj.merged.all()]


class ActionInputSerializer(serializers.Serializer):
    """The parameters of one action (only those the action needs are read)."""

    note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Note (required for feedback, rework and request_extension).",
    )
    public = serializers.BooleanField(
        required=False, help_text="reply: show the note to the resident."
    )
    reason = serializers.CharField(required=False, help_text="cancel: the reason.")
    category = serializers.IntegerField(required=False, help_text="file: sub-class id.")
    target = serializers.CharField(
        required=False,
        help_text='dispatch: "user:<id>", "community:<id>", "street:<id>" or "department:<id>".',
    )
    working_days = serializers.IntegerField(
        required=False, help_text="request_extension: extra working days."
    )
    closure_type = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="close: empty (normal or overdue, automatic), erroneous or special.",
    )
    into = serializers.CharField(required=False, help_text="merge: the main request's code.")
    grid = serializers.IntegerField(
        required=False, help_text="place: the id of an area grid of the request's community."
    )
    lat = serializers.FloatField(required=False, help_text="place: the point's latitude (WGS-84).")
    lon = serializers.FloatField(required=False, help_text="place: the point's longitude (WGS-84).")
    version = serializers.IntegerField(
        required=False,
        help_text="The case's version as read (RequestDetail.version): refused if it changed.",
    )


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
