class AuditContextMiddleware:
    """Replaced by the audit implementation: records who, from where and through which interface."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
