"""One JSON error shape for the whole REST API.

Every error answer is::

    {"code": "invalid", "detail": "…", "errors": [{"field": "level", "code": "invalid_choice", "message": "…"}]}

``field`` is the input's name (``null`` for errors about the request as a whole, dotted for nested
input such as ``items.0.quantity``); messages are in the request's language (``LocaleMiddleware`` has
activated it from ``Accept-Language`` or the user's choice). Django's ``ValidationError``,
``PermissionDenied`` and ``ObjectDoesNotExist`` raised by services get the same treatment, so views
need not translate them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail: Any, field: str | None, out: list[dict]) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = (
                None if key in ("non_field_errors", "__all__") else (f"{field}.{key}" if field else str(key))
            )
            _flatten(value, name, out)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, exceptions.ErrorDetail):
                _flatten(value, f"{field}.{index}" if field else str(index), out)
            else:
                _flatten(value, field, out)
    else:
        out.append(
            {"field": field, "code": getattr(detail, "code", None) or "invalid", "message": str(detail)}
        )


def _from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        detail = {
            field: [
                exceptions.ErrorDetail(str(m), code=e.code or "invalid")
                for e in errors
                for m in (e.messages if hasattr(e, "messages") else [e.message])
            ]
            for field, errors in exc.error_dict.items()
        }
    else:
        detail = [exceptions.ErrorDetail(str(m), code=exc.code or "invalid") for m in exc.messages]
    return exceptions.ValidationError(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors: list[dict] = []
    if isinstance(exc, exceptions.ValidationError):
        _flatten(exc.detail, None, errors)
        code = "invalid"
        detail = _("The input is not valid.")
        if len(errors) == 1 and errors[0]["code"] not in ("invalid", "required"):
            code = errors[0]["code"]
        if errors and all(e["field"] is None for e in errors):
            detail = errors[0]["message"]
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        detail = str(exc.detail) if not isinstance(exc.detail, dict | list) else _("The request failed.")
    elif isinstance(exc, Http404):
        code, detail = "not_found", _("Not found.")
    else:
        code, detail = "error", _("The request failed.")
    if response.status_code == status.HTTP_404_NOT_FOUND and code == "error":
        code = "not_found"
    response.data = {"code": code, "detail": detail, "errors": errors}
    return response
