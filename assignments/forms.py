from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True)

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import allowed_labels

        self.fields["file"].help_text = _("Allowed: %(types)s. At most %(size)s MB per file.") % {
            "types": allowed_labels(assignment),
            "size": assignment.max_size_mb,
        }
