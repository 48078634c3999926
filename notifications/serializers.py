from rest_framework import serializers

from notifications.models import Notification


class InboxMessageSerializer(serializers.ModelSerializer):
    # System text in the language of the API call (Accept-Language / the language cookie).
    subject = serializers.CharField(source="subject_shown", read_only=True)
    body = serializers.CharField(source="body_shown", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "link", "urgent", "created_at", "read_at"]
        read_only_fields = fields
