"""Shapes of the registry API."""

from __future__ import annotations

from rest_framework import serializers


class OrgUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)
    depth = serializers.IntegerField()


class CooperativeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    org_unit_code = serializers.CharField(source="org_unit.code")
    women_led = serializers.BooleanField()
    established = serializers.DateField(allow_null=True)


class PersonAffiliationSerializer(serializers.Serializer):
    cooperative_code = serializers.CharField(source="cooperative.code")
    cooperative_name = serializers.CharField(source="cooperative.name")
    role = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    stable_job = serializers.BooleanField()


class PersonSerializer(serializers.Serializer):
    code = serializers.CharField()
    full_name = serializers.CharField()
    gender = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)
    phone = serializers.CharField()
    org_unit_code = serializers.CharField(source="org_unit.code", allow_null=True, default=None)
    affiliations = PersonAffiliationSerializer(
        source="visible_affiliations",
        many=True,
        help_text="Roles in cooperatives of the caller's scope.",
    )


class SheetCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ImportSuccessSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    counts = serializers.DictField(child=SheetCountsSerializer(), help_text="Per sheet, in import order.")


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField(help_text="Empty for an error about the whole file.")
    row = serializers.IntegerField(allow_null=True, help_text="Row number as Excel shows it.")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportErrorsSerializer(serializers.Serializer):
    errors = ImportErrorSerializer(many=True)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=".xlsx workbook or one .csv sheet (named by the sheet, e.g. people.csv)."
    )
