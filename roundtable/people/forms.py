from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from roundtable.common.text import CleanTextField

from . import throttle
from .ages import check_birth_year
from .phones import normalize_phone, validate_mobile


class PhoneField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel", "placeholder": "13800138000"}
        )

    def clean(self, value):
        value = normalize_phone(super().clean(value))
        validate_mobile(value)
        return value


class SendCodeForm(forms.Form):
    phone = PhoneField()


class CodeLoginForm(forms.Form):
    phone = PhoneField()
    code = forms.RegexField(
        label=_("Code from the SMS"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}
        ),
    )


class PasswordLoginForm(forms.Form):
    phone = PhoneField()
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self.user = authenticate(self.request, phone=data["phone"], password=data["password"])
        if self.user is None or not self.user.is_active:
            refusal = throttle.password_refusal(data["phone"], throttle.client_ip(self.request))
            raise forms.ValidationError(
                refusal
                or _("The mobile number or password is wrong. Residents log in with an SMS code.")
            )
        return data


class AdminLoginForm(AdminAuthenticationForm):
    """The admin site's login, with the login page's message when a number or address is locked.

    The limits themselves are counted by the authentication backend, which both forms call.
    """

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            phone = normalize_phone(self.cleaned_data.get("username"))
            refusal = throttle.password_refusal(phone, throttle.client_ip(self.request))
            if refusal:
                raise forms.ValidationError(refusal, code="locked") from None
            raise


class BirthYearForm(forms.Form):
    birth_year = CleanTextField(
        label=_("Year of birth (optional)"),
        required=False,
        max_length=5,
        help_text=_(
            "Only used to count meeting participants by age band (young, middle-aged, older); "
            "never shown with your name. Leave it empty to remove it."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )

    def clean_birth_year(self):
        return check_birth_year(self.cleaned_data["birth_year"])
