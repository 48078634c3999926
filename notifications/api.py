"""The inbox over the API: the caller's own messages only."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications import selectors, services
from notifications.models import Notification
from notifications.serializers import InboxMessageSerializer


class InboxViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = InboxMessageSerializer
    queryset = Notification.objects.none()  # the model, for the schema; rows come from get_queryset

    def get_queryset(self):
        unread = self.request.query_params.get("unread") == "1"
        return selectors.inbox_for(self.request.user, unread_only=unread)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        message = self.get_object()
        message = services.inbox_mark_read(user=request.user, notification_id=message.pk)
        return Response(self.get_serializer(message).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("MarkedRead", {"marked_read": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked_read": services.inbox_mark_all_read(user=request.user)})

    @extend_schema(
        responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(request.user)})
