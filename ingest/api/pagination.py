"""``updated_since`` + cursor pagination for the outbound data set.

Rows are ordered by (updated, id). A client starts with ``?updated_since=<ISO 8601>`` (or nothing,
for everything), keeps the ``cursor`` of each answer and sends it back next time: it then gets
exactly the rows changed after the last one it saw, none twice and none skipped, however many share
a timestamp.
"""

from __future__ import annotations

import base64
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def encode_cursor(updated: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{updated.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        stamp, pk = raw.rsplit("|", 1)
        updated = parse_datetime(stamp)
        if updated is None or updated.tzinfo is None:
            raise ValueError(stamp)
        return updated, int(pk)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError({"cursor": [_("Not a cursor from this API.")]}) from exc


class UpdatedSincePagination(BasePagination):
    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        self.request = request
        params = request.query_params
        try:
            self.limit = min(max(int(params.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
        except ValueError as exc:
            raise ValidationError({"limit": [_("A number from 1 to %(max)s.") % {"max": MAX_LIMIT}]}) from exc
        cursor = None
        if params.get("cursor"):
            cursor = decode_cursor(params["cursor"])
        elif params.get("updated_since"):
            since = parse_datetime(params["updated_since"])
            if since is None or since.tzinfo is None:
                raise ValidationError(
                    {
                        "updated_since": [
                            _("An ISO 8601 date and time with its offset, e.g. 2026-11-24T08:00:00+08:00.")
                        ]
                    }
                )
            cursor = (since, 0)  # everything updated at or after ``since``
        if cursor is not None:
            updated, pk = cursor
            queryset = queryset.filter(Q(updated__gt=updated) | Q(updated=updated, pk__gt=pk))
        rows = list(queryset.order_by("updated", "pk")[: self.limit + 1])
        self.has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        if rows:
            self.cursor = encode_cursor(rows[-1].updated, rows[-1].pk)
        elif cursor is not None:
            self.cursor = encode_cursor(*cursor)
        else:
            self.cursor = None
        return rows

    def get_paginated_response(self, data) -> Response:
        next_url = None
        if self.has_more and self.cursor:
            url = remove_query_param(self.request.build_absolute_uri(), "updated_since")
            next_url = replace_query_param(url, "cursor", self.cursor)
        return Response({"results": data, "cursor": self.cursor, "has_more": self.has_more, "next": next_url})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results", "cursor", "has_more", "next"],
            "properties": {
                "results": schema,
                "cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "Send back as `cursor` to get what changed after the last row.",
                },
                "has_more": {"type": "boolean", "description": "More rows are waiting: follow `next`."},
                "next": {"type": "string", "format": "uri", "nullable": True},
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "updated_since",
                "in": "query",
                "required": False,
                "description": "Rows changed at or after this ISO 8601 time (with offset). Ignored with `cursor`.",
                "schema": {"type": "string", "format": "date-time"},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "The `cursor` of the previous answer.",
                "schema": {"type": "string"},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": f"Rows per answer, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT}).",
                "schema": {"type": "integer"},
            },
        ]
