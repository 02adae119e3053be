from typing import Any, cast

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.http import HttpRequest

from mappa.accounts.models import AgencyMembership, User
from mappa.authorization.roles import ROLES
from mappa.web.forms import GovukForm


class SignInForm(GovukForm):
    username = forms.CharField(
        label="Username",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        # One message for unknown user and wrong password: no username oracle.
        "invalid": "Enter a correct username and password",
    }

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username, password = cleaned.get("username"), cleaned.get("password")
        if username and password:
            # authenticate() runs django-axes first: a locked-out account is refused here and the
            # lock-out page is shown by the view.
            user = authenticate(self.request, username=username, password=password)
            if user is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            self.user = user
        return cleaned


class TokenForm(GovukForm):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code shown in the app",
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "govuk-input--width-5",
            }
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        return token


class ChooseAgencyForm(GovukForm):
    membership = forms.ModelChoiceField(
        label="Which agency are you acting for?",
        queryset=AgencyMembership.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the agency you are acting for"},
    )

    def __init__(self, memberships: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["membership"])  # type: ignore[type-arg]
        field.queryset = memberships
        field.label_from_instance = lambda m: str(m.agency.name)  # type: ignore[method-assign,assignment]


class NoticeForm(GovukForm):
    accept = forms.BooleanField(
        label="I have read and accept the acceptable use and confidentiality notice",
        error_messages={"required": "Confirm that you accept the notice to continue"},
    )


class SetPasswordForm(GovukForm):
    password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A few unrelated words make a strong password you can remember.",
    )
    password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password2(self) -> str:
        p1 = self.cleaned_data.get("password1")
        p2 = self.cleaned_data["password2"]
        if p1 and p1 != p2:
            raise forms.ValidationError("The passwords do not match")
        return str(p2)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password1")
        if password and not self.errors:
            try:
                password_validation.validate_password(password, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ChangePasswordForm(SetPasswordForm):
    current_password = forms.CharField(
        label="Current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current_password", "password1", "password2"]

    def __init__(self, request: HttpRequest, user: User, *args: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_current_password(self) -> str:
        password = str(self.cleaned_data["current_password"])
        # Through authenticate(), so django-axes counts wrong guesses here as at sign-in: a
        # hijacked session cannot be used to guess the password without limit.
        if authenticate(self.request, username=self.user.get_username(), password=password) is None:
            raise forms.ValidationError("Your current password is not correct")
        return password


def _role_field(agency_kind: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Roles",
        choices=[(code, role.display_name) for code, role in ROLES.items() if role.allowed_in(agency_kind)],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role"},
        help_text="Select all that apply. Each role's permissions are described in the permissions guide.",
    )


class UserCreateForm(GovukForm):
    first_name = forms.CharField(
        label="First name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(
        label="Work email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    username = forms.RegexField(
        label="Username",
        max_length=150,
        regex=r"^[a-zA-Z0-9._-]+$",
        help_text="Letters, numbers, dots, hyphens and underscores only",
        error_messages={
            "invalid": "Username must only include letters, numbers, dots, hyphens and underscores"
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=120, required=False)

    def __init__(self, agency_kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _role_field(agency_kind)


class RolesForm(GovukForm):
    def __init__(self, agency_kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _role_field(agency_kind)
