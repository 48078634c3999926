from rest_framework import serializers

from reports.models import Report


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = [
            "id",
            "period",
            "level",
            "node_code",
            "node_name",
            "version",
            "numbers",
            "generated_at",
            "code_version",
        ]
        read_only_fields = fields
