from django.urls import reverse
from rest_framework import serializers

from service_points.models import Booking, Room


def position_feature(p) -> dict:
    """A position as a GeoJSON Feature (public data: no personal data in it)."""
    feature = {
        "type": "Feature",
        "id": p.pk,
        "geometry": {"type": "Point", "coordinates": [p.location.x, p.location.y]},
        "properties": {
            "id": p.pk,
            "name": p.name,
            "tier": p.tier,
            "tier_label": p.get_tier_display(),
            "parent_id": p.parent_id,
            "community": p.community.name,
            "community_code": p.community.code,
            "grid_code": p.grid.code if p.grid_id else None,
            "grid": p.grid.name if p.grid_id else None,
            "subgrid_code": p.subgrid.code if p.subgrid_id else None,
            "address": p.address,
            "floor_area": float(p.floor_area) if p.floor_area is not None else None,
            "contact_phone": p.contact_phone,
            "functions": [f.code for f in p.functions.all()],
            "facilities": [f.code for f in p.facilities.all()],
            "open_now": bool(p.is_open),
            "opening_hours": [
                {
                    "weekday": h.weekday,
                    "opens": h.opens.strftime("%H:%M"),
                    "closes": h.closes.strftime("%H:%M"),
                }
                for h in p.opening_hours.all()
            ],
            "url": reverse("service_points:detail", args=[p.pk]),
        },
    }
    distance = getattr(p, "distance", None)
    if distance is not None:
        feature["properties"]["distance_m"] = round(distance, 1)
    return feature


class RoomSerializer(serializers.ModelSerializer):
    position_name = serializers.CharField(source="position.name", read_only=True)

    class Meta:
        model = Room
        fields = ["id", "position", "position_name", "name", "kind", "capacity", "is_bookable"]


class BookingSerializer(serializers.ModelSerializer):
    booked_by = serializers.CharField(source="booked_by.display_name", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "room",
            "starts_at",
            "ends_at",
            "purpose",
            "title",
            "attendees_expected",
            "status",
            "booked_by",
            "created_at",
        ]
        read_only_fields = ["status", "booked_by", "created_at"]
        # Overlap, opening hours and jurisdiction are checked by services.booking_create.
        validators = []
