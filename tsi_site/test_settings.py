"""Settings for the test suite: the production settings with test-only secrets and backends."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from tsi_site.settings import *  # noqa: F403

TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "ingest"],
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="tsi-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic in tests
SECURE_SSL_REDIRECT = False  # the test client and the live server speak plain HTTP
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
