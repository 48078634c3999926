from rest_framework import serializers

from notifications.models import Notification


class InboxMessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "link", "urgent", "created_at", "read_at"]
        read_only_fields = fields
