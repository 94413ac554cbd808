"""Private storage for uploads: outside the static and public paths, with no public address.

Where the files live is the ``private`` entry of ``STORAGES``: a folder
(``PRIVATE_MEDIA_ROOT``, the default) or, with ``PRIVATE_STORAGE_BUCKET`` set, an S3
bucket (django-storages) that several web and worker hosts share. Either way a file is
reached only through a view that checks who asks; the bucket is never given a public
address.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible


class LocalPrivateStorage(FileSystemStorage):
    """Files under ``PRIVATE_MEDIA_ROOT``, read when used, so a test's setting counts."""

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public address; serve them through a view.")


@deconstructible
class PrivateStorage(Storage):
    """Hands each call to ``STORAGES["private"]``, looked up when used (so that a test or a
    deployment's setting counts, and migrations name no backend)."""

    @property
    def backend(self) -> Storage:
        return storages["private"]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def size(self, name):
        return self.backend.size(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def path(self, name):
        return self.backend.path(name)

    def url(self, name):
        raise ValueError("Private files have no public address; serve them through a view.")


private_storage = PrivateStorage()
