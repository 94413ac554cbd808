"""Storing uploads privately, and deciding who may download a stored file."""

from django.core.files.uploadedfile import UploadedFile

from .models import StoredFile
from .uploads import check_upload


def store(upload: UploadedFile, *, allowed, max_bytes: int, by) -> StoredFile:
    """Check an upload (raises ValidationError) and keep it under a generated name."""
    checked = check_upload(upload, allowed=allowed, max_bytes=max_bytes)
    stored = StoredFile(
        original_name=checked.name,
        file_type=checked.file_type.key,
        content_type=checked.file_type.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by if by is not None and by.is_authenticated else None,
    )
    upload.seek(0)
    stored.file.save(checked.name, upload, save=False)
    stored.save()
    return stored


def discard(stored: StoredFile) -> None:
    """Forget a file nothing refers to any more: its row now, its bytes once that commits."""
    from django.db import transaction

    storage, name = stored.file.storage, stored.file.name
    stored.delete()
    transaction.on_commit(lambda: storage.delete(name))
