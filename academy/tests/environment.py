"""Environment for the test run, loaded with ``-p`` before pytest-django reads the settings.

The suite runs with the development settings (static files straight from the
apps, no TLS redirect); Django itself still runs each test with DEBUG off.
Production settings are tested in a subprocess (test_settings.py).
"""

import os

os.environ.setdefault("DEBUG", "true")
# Playwright's sync API runs an event loop in the test thread, which Django
# would otherwise take for async code touching the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
