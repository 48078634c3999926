"""REST API of the requests desk (mounted under /api/v1/): the staff queue and case as JSON, the
state machine's actions, and the category tree.

    GET  /api/v1/requests/                         the queue, with the queue page's filters
    GET  /api/v1/requests/{code}/                  one case: timeline, masked reporter, actions
    POST /api/v1/requests/{code}/actions/{action}/ one transition (flow.transition)
    GET  /api/v1/request-categories/[{code}/]      top classes with their sub-classes

Requests are jurisdiction-scoped (grids.jurisdiction): outside is 404. The same staff check as the
queue page (a staff role with requests_desk.view_request) and the same role checks as the case
page (flow.check); a refused action is a 400 with the translated reason.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core.access import IsStaff
from core.query import BIGINT_MAX, query_flag
from requests_desk import flow, selectors
from requests_desk.forms import ActionForm, QueueFilterForm
from requests_desk.models import Category, Request, Stage
from requests_desk.selectors import QUEUE_SORTS
from requests_desk.serializers import (
    ActionInputSerializer,
    CategoryTreeSerializer,
    RefusalSerializer,
    RequestDetailSerializer,
    RequestListSerializer,
)

# The queue page's gate (core.access): a staff role with the permission to view requests.
IsDeskStaff = IsStaff.with_permission("requests_desk.view_request")


CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="tracking code")
ID = {"type": "integer", "format": "int64", "minimum": 1, "maximum": BIGINT_MAX}
# The queue page's checkboxes send "on"; API clients send true/false. Anything else is a 400.
FLAG = ["true", "false", "on"]
FLAG_FILTERS = ("overdue", "nearly_due", "extension", "reopen", "unplaced")
QUEUE_PARAMETERS = [
    OpenApiParameter(
        "stage",
        str,
        enum=["open", *Stage.values],
        description='"open": every open stage; absent: all stages',
    ),
    OpenApiParameter(
        "category",
        ID,
        description="the id of an existing category (GET /api/v1/request-categories/); a top "
        "class includes its sub-classes. Another id is a 400.",
    ),
    OpenApiParameter(
        "grid",
        ID,
        description="the id of an area grid in your jurisdiction; another id is a 400.",
    ),
    OpenApiParameter("source", str, enum=Request.Source.values),
    OpenApiParameter("overdue", str, enum=FLAG, description='"true" or "on": overdue only'),
    OpenApiParameter(
        "nearly_due",
        str,
        enum=FLAG,
        description='"true" or "on": the deadline falls within the nearly-due window',
    ),
    OpenApiParameter(
        "reported_from",
        OpenApiTypes.DATE,
        description="reported on or after this day (Asia/Shanghai)",
    ),
    OpenApiParameter(
        "reported_to", OpenApiTypes.DATE, description="reported on or before this day (inclusive)"
    ),
    OpenApiParameter(
        "closed_from", OpenApiTypes.DATE, description="closed on or after this day (Asia/Shanghai)"
    ),
    OpenApiParameter(
        "closed_to", OpenApiTypes.DATE, description="closed on or before this day (inclusive)"
    ),
    OpenApiParameter(
        "extension", str, enum=FLAG, description='"true" or "on": an extension request is waiting'
    ),
    OpenApiParameter(
        "reopen", str, enum=FLAG, description='"true" or "on": the reporter asked to reopen'
    ),
    OpenApiParameter(
        "unplaced",
        str,
        enum=FLAG,
        description='"true" or "on": reported without a point and in no grid yet (to place)',
    ),
    OpenApiParameter("q", str, description="tracking code, or part of the address"),
    OpenApiParameter("sort", str, enum=list(QUEUE_SORTS)),
]


def refusal(message: str, code: str, errors=None) -> Response:
    body = {"detail": message, "code": code}
    if errors:
        body["errors"] = errors
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


@extend_schema_view(
    list=extend_schema(
        operation_id="requests_list",
        parameters=QUEUE_PARAMETERS,
        summary="The requests queue (jurisdiction-scoped)",
    ),
    retrieve=extend_schema(
        operation_id="requests_retrieve", parameters=[CODE], summary="One case with its timeline"
    ),
)
class RequestViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsDeskStaff]
    lookup_field = "code"
    lookup_value_regex = "[0-9A-Za-z]+"

    def get_serializer_context(self):
        # One "now" per response: filters, flags and the serializer agree.
        context = super().get_serializer_context()
        context["now"] = getattr(self, "_now", None) or timezone.now()
        self._now = context["now"]
        return context

    def get_serializer_class(self):
        return RequestListSerializer if self.action == "list" else RequestDetailSerializer

    def get_queryset(self):
        user = self.request.user
        qs = selectors.requests_for(user)
        if self.action != "list":
            return qs
        for name in FLAG_FILTERS:
            query_flag(self.request.query_params, name, FLAG)
        form = QueueFilterForm(self.request.query_params, user=user)
        if not form.is_valid():
            raise ValidationError(form.errors)
        now = self.get_serializer_context()["now"]
        qs = selectors.queue_filter(qs, **form.filters(), now=now).with_due_flags(now)
        order = selectors.queue_ordering(form.cleaned_data["sort"] or "new")
        return qs.select_related(
            "category__parent", "street", "community", "grid", "assignee", "department"
        ).order_by(*order)

    def get_object(self):
        return selectors.case_for(self.request.user, self.kwargs["code"].upper())

    @extend_schema(
        operation_id="requests_action",
        summary="Make one action of the state machine on a case",
        parameters=[
            CODE,
            OpenApiParameter(
                "action_name",
                str,
                OpenApiParameter.PATH,
                enum=list(flow.TRANSITIONS),
                description="the action, e.g. accept, dispatch",
            ),
        ],
        request=ActionInputSerializer,
        responses={200: RequestDetailSerializer, 400: RefusalSerializer},
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def act(self, request, code=None, action_name=None):
        item = self.get_object()
        try:
            flow.check(item, action_name, request.user)
        except flow.TransitionRefused as exc:
            return refusal(" ".join(exc.messages), exc.code or "refused")
        form = ActionForm(
            request.data, request.FILES, action=action_name, case=item, require_version=False
        )
        if not form.is_valid():
            errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
            first = next(iter(errors.values()))[0]
            return refusal(first, "invalid", errors)
        try:
            flow.transition(
                case=item,
                action=action_name,
                by=request.user,
                version=form.cleaned_data.get("version"),
                **form.params(),
            )
        except DjangoValidationError as exc:
            return refusal(" ".join(exc.messages), getattr(exc, "code", None) or "refused")
        item = selectors.case_for(request.user, item.code)
        return Response(RequestDetailSerializer(item, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(
        operation_id="request_categories_list",
        summary="Top classes (events, components) with their sub-classes",
    ),
    retrieve=extend_schema(
        operation_id="request_categories_retrieve",
        parameters=[
            OpenApiParameter("code", str, OpenApiParameter.PATH, description="top class code")
        ],
        summary="One top class with its sub-classes",
    ),
)
class CategoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The category tree is public (the residents' form shows it)."""

    permission_classes = [AllowAny]
    pagination_class = None
    serializer_class = CategoryTreeSerializer
    lookup_field = "code"

    def get_queryset(self):
        subs = Prefetch(
            "children", queryset=Category.objects.filter(active=True).order_by("order", "code")
        )
        return (
            Category.objects.filter(parent__isnull=True, active=True)
            .prefetch_related(subs)
            .order_by("kind", "order", "code")
        )
