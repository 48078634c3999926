from django.urls import reverse
from rest_framework import serializers

from service_points.models import Booking, Room, Tier


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


def position_features(rows: list[dict]) -> list[dict]:
    """selectors.positions_feature_rows as GeoJSON Features: the same dict position_feature
    builds from a model instance."""
    # Each label translated once, not once a row (gettext was the most of the API's Python).
    tiers = {value: str(label) for value, label in Tier.choices}
    detail = reverse("service_points:detail", args=[0])[: -len("0/")]
    features = []
    for r in rows:
        feature = {
            "type": "Feature",
            "id": r["id"],
            "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
            "properties": {
                "id": r["id"],
                "name": r["name"],
                "tier": r["tier"],
                "tier_label": tiers.get(r["tier"], r["tier"]),
                "parent_id": r["parent_id"],
                "community": r["community__name"],
                "community_code": r["community__code"],
                "grid_code": r["grid__code"] if r["grid_id"] else None,
                "grid": r["grid__name"] if r["grid_id"] else None,
                "subgrid_code": r["subgrid__code"] if r["subgrid_id"] else None,
                "address": r["address"],
                "floor_area": float(r["floor_area"]) if r["floor_area"] is not None else None,
                "contact_phone": r["contact_phone"],
                "functions": r["functions"],
                "facilities": r["facilities"],
                "open_now": bool(r["is_open"]),
                "opening_hours": [
                    {"weekday": weekday, "opens": opens, "closes": closes}
                    for weekday, opens, closes in r["opening_hours"]
                ],
                "url": f"{detail}{r['id']}/",
            },
        }
        if r.get("distance") is not None:
            feature["properties"]["distance_m"] = round(r["distance"], 1)
        features.append(feature)
    return features


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
