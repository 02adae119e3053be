"""Sign-in and its gates, the idle-timeout warning, invitations, and agency user administration."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from mappa.accounts import services
from mappa.accounts.access import access_membership
from mappa.accounts.forms import (
    ChangePasswordForm,
    ChooseAgencyForm,
    NoticeForm,
    RolesForm,
    SetPasswordForm,
    SignInForm,
    TokenForm,
    UserCreateForm,
)
from mappa.accounts.middleware import SESSION_ACTING_MEMBERSHIP, SESSION_TWO_FACTOR_SKIPPED
from mappa.accounts.models import User
from mappa.accounts.notice import NOTICE_VERSION
from mappa.accounts.selectors import (
    active_memberships,
    confirmed_device,
    has_two_factor,
    invited_user,
    membership_list,
    pending_device,
)
from mappa.authorization.permissions import Permission
from mappa.authorization.utils import has_permission
from mappa.core.exceptions import ApplicationError, PermissionDenied
from mappa.core.types import AnyUser


def _safe_next(request: HttpRequest, default: str = "web:home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(default)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # LoginRequiredMiddleware makes this unreachable
        raise PermissionDenied("Sign in first")
    return user


@login_not_required
@sensitive_post_parameters("password")
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        login(request, form.user)  # rotates the session key (session fixation)
        return HttpResponseRedirect(_safe_next(request))
    return render(request, "accounts/sign_in.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("accounts:signed-out")
    # Tell the browser to drop anything it kept from the session (ASVS 5 §14.3.1).
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@login_not_required
def signed_out(request: HttpRequest) -> HttpResponse:
    reason = request.GET.get("reason")
    return render(
        request, "accounts/signed_out.html", {"idle": reason == "idle", "expired": reason == "expired"}
    )


def two_factor(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect("web:home")
    form = TokenForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = confirmed_device(user)
        if device is None:
            return redirect("accounts:two-factor-setup")
        try:
            verified = services.two_factor_verify(user=user, device=device, token=form.cleaned_data["token"])
        except ApplicationError as error:
            form.add_error("token", error.message)
        else:
            if verified:
                otp_login(request, device)
                # A new session key once fully authenticated, as at the password step.
                request.session.cycle_key()
                return HttpResponseRedirect(_safe_next(request))
            form.add_error(
                "token", "The code is not correct. Enter the code shown in your authenticator app now"
            )
    return render(request, "accounts/two_factor.html", {"form": form})


def _qr_svg(config_url: str) -> str:
    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if has_two_factor(user):
        return redirect("accounts:two-factor")
    if request.method == "POST" and "skip" in request.POST:
        if settings.MAPPA_REQUIRE_2FA:
            raise PermissionDenied("Two-factor authentication is required")
        request.session[SESSION_TWO_FACTOR_SKIPPED] = True
        return redirect("web:home")
    device = pending_device(user)
    if device is None:
        device = services.totp_device_start(user=user)
    form = TokenForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.totp_device_confirm(
                user=user, device=device, token=form.cleaned_data["token"]
            )
        except ApplicationError as error:
            form.add_error("token", error.message)
        else:
            if confirmed:
                otp_login(request, device)
                request.session.cycle_key()
                messages.success(request, "Two-factor authentication is set up")
                return redirect("web:home")
            form.add_error(
                "token", "The code is not correct. Check the app shows mappa and enter its current code"
            )
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "may_skip": not settings.MAPPA_REQUIRE_2FA,
    }
    return render(request, "accounts/two_factor_setup.html", context)


def choose_agency(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    memberships = active_memberships(user)
    form = ChooseAgencyForm(memberships, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["membership"]
        services.acting_agency_choose(user=user, membership=membership)
        request.session[SESSION_ACTING_MEMBERSHIP] = membership.pk
        return redirect("web:home")
    return render(request, "accounts/choose_agency.html", {"form": form})


def notice(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = NoticeForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.notice_accept(user=user)
        return redirect("web:home")
    return render(request, "accounts/notice.html", {"form": form, "version": NOTICE_VERSION})


def no_access(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/no_access.html", status=403)


def session_warning(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # The POST itself counted as activity (see IdleTimeoutMiddleware): the session goes on.
        return HttpResponseRedirect(_safe_next(request))
    return render(
        request,
        "accounts/session_warning.html",
        {"next": _safe_next(request), "seconds": int(settings.MAPPA_IDLE_WARNING.total_seconds())},
    )


@login_not_required
@sensitive_post_parameters("password1", "password2")
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = invited_user(uidb64, token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = SetPasswordForm(user, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password_from_invitation(user=user, password=form.cleaned_data["password1"])
        messages.success(request, "Your password is set. Sign in to continue")
        return redirect("accounts:sign-in")
    return render(request, "accounts/invitation.html", {"form": form, "invited_user": user})


# Agency administration of users. Every view scopes through membership_list/access_membership,
# so an administrator only ever reaches their own acting agency's users.


def _require(user: AnyUser, permission: Permission) -> None:
    if not has_permission(user, permission):
        raise PermissionDenied("You do not have permission to do that")


def user_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.MEMBERSHIP_MANAGE)
    page = Paginator(membership_list(fetched_by=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


def user_create(request: HttpRequest) -> HttpResponse:
    _require(request.user, Permission.MEMBERSHIP_MANAGE)
    by = _user(request)
    if by.acting_membership is None:
        raise PermissionDenied("Choose the agency you are acting for")
    agency = by.acting_membership.agency
    form = UserCreateForm(agency.kind, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.user_create(
                agency=agency, by=by, site_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            request.session["mappa_new_invitation"] = membership.pk
            return redirect("accounts:user-detail", pk=membership.pk)
    return render(request, "accounts/user_create.html", {"form": form, "agency": agency})


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access_membership(request.user, pk)
    invitation_url = None
    # The invitation link is shown once, straight after creation or on request, and only while
    # the user has not yet set a password.
    if (
        request.session.pop("mappa_new_invitation", None) == membership.pk
        and not membership.user.has_usable_password()
    ):
        invitation_url = request.build_absolute_uri(services.invitation_path(membership.user))
    context = {
        "membership": membership,
        "invitation_url": invitation_url,
        "two_factor": has_two_factor(membership.user),
    }
    return render(request, "accounts/user_detail.html", context)


def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access_membership(request.user, pk)
    form = RolesForm(
        membership.agency.kind,
        data=request.POST if request.method == "POST" else None,
        initial={"roles": membership.roles},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_set_roles(
                membership=membership, roles=form.cleaned_data["roles"], by=_user(request)
            )
        except ApplicationError as error:
            form.add_error("roles", error.message)
        else:
            messages.success(request, f"Roles updated for {membership.user}")
            return redirect("accounts:user-detail", pk=membership.pk)
    return render(request, "accounts/user_roles.html", {"form": form, "membership": membership})


def _membership_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    membership = access_membership(request.user, pk)
    if request.method == "POST":
        try:
            if action == "deactivate":
                services.membership_deactivate(membership=membership, by=_user(request))
                messages.success(request, f"{membership.user} can no longer sign in for {membership.agency}")
            else:
                services.membership_reactivate(membership=membership, by=_user(request))
                messages.success(request, f"{membership.user} can sign in again for {membership.agency}")
        except ApplicationError as error:
            return render(
                request,
                f"accounts/user_{action}.html",
                {"membership": membership, "error": error.message},
                status=400,
            )
        return redirect("accounts:user-detail", pk=membership.pk)
    return render(request, f"accounts/user_{action}.html", {"membership": membership})


def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _membership_action(request, pk, "deactivate")


def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _membership_action(request, pk, "reactivate")


def user_sign_out_everywhere(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access_membership(request.user, pk)
    if request.method == "POST":
        try:
            services.user_sign_out_everywhere(membership=membership, by=_user(request))
        except ApplicationError as error:
            context = {"membership": membership, "error": error.message}
            return render(request, "accounts/user_sign_out_everywhere.html", context, status=400)
        messages.success(request, f"{membership.user} has been signed out on every device")
        return redirect("accounts:user-detail", pk=membership.pk)
    return render(request, "accounts/user_sign_out_everywhere.html", {"membership": membership})


def user_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access_membership(request.user, pk)
    if request.method == "POST":
        try:
            services.user_two_factor_reset(membership=membership, by=_user(request))
        except ApplicationError as error:
            context = {"membership": membership, "error": error.message}
            return render(request, "accounts/user_two_factor_reset.html", context, status=400)
        messages.success(
            request, f"{membership.user} will set up two-factor authentication at their next sign-in"
        )
        return redirect("accounts:user-detail", pk=membership.pk)
    return render(request, "accounts/user_two_factor_reset.html", {"membership": membership})


@sensitive_post_parameters("current_password", "password1", "password2")
def change_password(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ChangePasswordForm(request, user, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_password(
                user=user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["password1"],
            )
        except ApplicationError as error:
            form.add_error(error.field, error.message)
        else:
            # Keeps this session signed in; every other session of the user ends (ASVS 5 §7.4.3).
            update_session_auth_hash(request, user)
            messages.success(request, "Your password has been changed")
            return redirect("web:home")
    return render(request, "accounts/change_password.html", {"form": form})


@require_POST
def user_invitation(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access_membership(request.user, pk)
    if membership.user.has_usable_password() or not membership.is_active:
        raise Http404("No invitation to send")
    try:
        services.invitation_resend(
            membership=membership, site_url=request.build_absolute_uri("/"), by=_user(request)
        )
    except ApplicationError:
        pass  # no email address: the administrator still gets the link to pass on
    else:
        messages.success(request, f"A new invitation has been emailed to {membership.user.email}")
    request.session["mappa_new_invitation"] = membership.pk
    return redirect("accounts:user-detail", pk=membership.pk)
