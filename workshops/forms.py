from django import forms
from django.utils.translation import gettext_lazy as _


class RecordingRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("The link to the recording is sent to this address, and nothing else."),
    )
    # Left empty by people; filled in by form-filling robots.
    website = forms.CharField(required=False, widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    coming = forms.MultipleChoiceField(
        label=_("Who from your team will attend"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Those not ticked will not attend. You can change this later."),
    )

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coming"].choices = [
            (str(a.user_id), a.user.get_full_name()) for a in attendances
        ]
        self.initial.setdefault("coming", [str(a.user_id) for a in attendances if a.coming])
