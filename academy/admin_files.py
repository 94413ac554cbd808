"""Admin forms that take a file upload and keep it as a private StoredFile."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .files import discard, store
from .uploads import FILE_TYPES

STAFF_MAX_BYTES = 50 * 1024 * 1024


class StoredFileFormMixin:
    """A ModelForm with an ``upload`` field that fills the model's ``file`` (a StoredFile)."""

    upload_required = True
    request_user = None

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if self.upload_required and not getattr(self.instance, "file_id", None):
                raise forms.ValidationError(_("Choose a file."))
            return None
        self._stored_upload = upload
        from .uploads import check_upload

        check_upload(upload, allowed=FILE_TYPES.keys(), max_bytes=STAFF_MAX_BYTES)
        upload.seek(0)
        return upload

    def save(self, commit=True):
        instance = super().save(commit=False)
        upload = self.cleaned_data.get("upload")
        replaced = None
        if upload is not None:
            replaced = instance.file if instance.file_id else None
            instance.file = store(
                upload, allowed=FILE_TYPES.keys(), max_bytes=STAFF_MAX_BYTES, by=self.request_user
            )
        if commit:
            instance.save()
            self.save_m2m()
            if replaced is not None:
                # A template's or material's old file is no one's any more.
                discard(replaced)
        return instance


class StoredFileInlineMixin:
    """An inline whose forms store uploads: they learn who uploads."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.request_user = request.user
        return formset
