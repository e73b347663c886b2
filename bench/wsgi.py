"""The same Django project as a WSGI application, for the "ours_wsgi" tile variant (gunicorn).

The platform itself has no WSGI entry point (config.settings: WSGI_APPLICATION = None); this one exists
only to measure what serving HTTP from persistent worker threads, instead of Daphne, would change.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

application = get_wsgi_application()
