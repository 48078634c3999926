from rest_framework import serializers

from care.models import Household, Resident, Visit
from privacy.masking import mask_id_number, mask_phone


class ResidentSerializer(serializers.ModelSerializer):
    """A person as the API shows them: phone and ID number masked, tag details never included
    (full values only through the site's logged reveal)."""

    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = (
            "id",
            "household",
            "name",
            "gender",
            "birth_date",
            "phone",
            "id_number",
            "legal_basis",
            "consent_date",
            "tags",
        )

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)

    def get_tags(self, obj) -> list[str]:
        return [t.tag.code for t in obj.tags.all()]


class HouseholdSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code", read_only=True)
    # Masked like a phone number (the full address is revealed on the site, with a purpose).
    address = serializers.CharField(source="address_masked", read_only=True)
    frequency_days = serializers.IntegerField(read_only=True, allow_null=True)
    last_visit_on = serializers.DateField(read_only=True, allow_null=True)
    due_on = serializers.DateField(read_only=True, allow_null=True)
    overdue = serializers.BooleanField(read_only=True, allow_null=True)
    residents = ResidentSerializer(many=True, read_only=True)

    class Meta:
        model = Household
        fields = (
            "id",
            "grid",
            "building",
            "address",
            "frequency_days",
            "last_visit_on",
            "due_on",
            "overdue",
            "residents",
        )


class VisitSerializer(serializers.ModelSerializer):
    needs = serializers.ListField(
        child=serializers.CharField(max_length=1000), write_only=True, required=False
    )
    need_list = serializers.SerializerMethodField()
    visitor = serializers.StringRelatedField()

    class Meta:
        model = Visit
        fields = (
            "id",
            "household",
            "visitor",
            "visited_on",
            "mode",
            "kind",
            "met",
            "condition",
            "needs",
            "need_list",
        )
        read_only_fields = ("visitor", "kind")

    def get_need_list(self, obj) -> list[dict]:
        return [{"id": n.pk, "description": n.description} for n in obj.needs.all()]
