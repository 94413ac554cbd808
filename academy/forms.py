import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm as DjangoAdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User


class AdminUserCreationForm(DjangoAdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "name"]


class AdminUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks besides the e-mail address and password."""

    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    def signup(self, request: HttpRequest, user: User) -> None:
        """allauth calls this after saving the user; the adapter has set the name."""


# "1,5 milj.", "2 M€", "1.2 million", "3 miljoner": a number of millions.
MILLIONS = re.compile(
    r"^(?P<number>[\d\s.,]+?)\s*(?:milj\.?|miljoonaa|miljoona|miljoner|miljon|million|millions"
    r"|mn|m)\s*(?:€|e|eur|euroa|euro|euros)?$",
    re.IGNORECASE,
)
GROUPED = re.compile(r"^-?\d{1,3}([ .,])\d{3}(?:\1\d{3})*$")
DECIMAL = re.compile(r"^-?\d+(?:[.,]\d{1,2})?$")


def parse_euros(text: str) -> Decimal:
    """Whole euros from what people write: ``1 500 000``, ``1500000,00``, ``1.500.000``,
    ``1,5 milj.``, ``2 M€``. Raises ValueError when it is no amount, or could be read two
    ways (``1,500`` or ``1,5``: euros and cents, or thousands and millions?)."""
    written = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    written = re.sub(r"\s*(?:€|eur|euroa|euro|euros)$", "", written, flags=re.IGNORECASE)
    factor = Decimal(1)
    millions = MILLIONS.match(written)
    if millions:
        written, factor = millions.group("number").strip(), Decimal(1_000_000)
    compact = written.replace(" ", "")
    grouped = GROUPED.match(written)
    if grouped and factor == 1:
        separator = grouped.group(1)
        if separator != " " and len(written.split(separator)) == 2:
            raise ValueError("ambiguous")  # 1,500 or 1.500
        number = Decimal(written.replace(separator, ""))
    elif DECIMAL.match(compact):
        number = Decimal(compact.replace(",", "."))
        if factor == 1 and number != number.to_integral_value():
            raise ValueError("cents")  # 1,5 is one and a half euros, or a million and a half?
    else:
        raise ValueError("not an amount")
    try:
        return (number * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise ValueError("too large") from error


class EuroField(forms.DecimalField):
    """Whole euros as people write them (see ``parse_euros``), in a text input: a number
    input would drop what it cannot read and send something else."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_euros(str(value))
        except ValueError:
            raise forms.ValidationError(
                _("Write the amount in euros, e.g. 1 500 000 or 1,5 milj."), code="invalid"
            ) from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{int(value):,}".replace(",", "\u00a0")
        return value
