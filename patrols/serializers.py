from rest_framework import serializers

from patrols.models import CheckIn, Finding, Patrol


class PatrolSerializer(serializers.ModelSerializer):
    worker = serializers.StringRelatedField()
    grid = serializers.CharField(source="grid.code", read_only=True)

    class Meta:
        model = Patrol
        fields = ("id", "grid", "worker", "started_at", "ended_at", "notes")
        read_only_fields = fields


class CheckInSerializer(serializers.ModelSerializer):
    lon = serializers.FloatField(write_only=True)
    lat = serializers.FloatField(write_only=True)

    class Meta:
        model = CheckIn
        fields = ("id", "patrol", "key_place", "at", "distance_m", "lon", "lat")
        read_only_fields = ("at", "distance_m")


class FindingSerializer(serializers.ModelSerializer):
    lon = serializers.FloatField(write_only=True, required=False)
    lat = serializers.FloatField(write_only=True, required=False)

    class Meta:
        model = Finding
        fields = (
            "id",
            "patrol",
            "grid",
            "key_place",
            "kind",
            "description",
            "outcome",
            "handled_note",
            "created_at",
            "lon",
            "lat",
        )
        read_only_fields = ("grid", "outcome", "created_at")
