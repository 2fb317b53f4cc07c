"""Accounts (login in two steps, two-factor set-up, password) and the org admin's user
management. HTTP only: the rules are in twofactor.py, services.py and selectors.py."""

from __future__ import annotations

import json
from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import audit_record
from notifications import push

from . import passkeys, selectors, services, twofactor
from .forms import CodeForm, EnrolForm, InviteForm, LoginForm, RoleForm
from .models import User
from .roles import Right, has_right

# --- Login ------------------------------------------------------------------------------------


class PasswordLoginView(auth_views.LoginView):
    """Step one. A user with an authenticator is not logged in yet: the login waits in the
    session for the code (step two). Everyone else is logged in here."""

    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.has_second_factor(user):
            twofactor.pending_login_start(self.request, user=user, next_url=self.get_success_url())
            return redirect("login_code")
        return super().form_valid(form)


@sensitive_post_parameters("otp_token")
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the authenticator, or a backup code. Wrong codes count as failed
    logins (audited; django-axes locks the username after too many)."""
    pending = twofactor.pending_login(request)
    user = None
    if pending is not None:
        user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        messages.info(request, _("Please log in again."))
        return redirect("login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        del request.session[twofactor.PENDING_LOGIN_KEY]
        return get_lockout_response(request, None, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify_code(user, form.cleaned_data["otp_token"])
        if device is not None:
            del request.session[twofactor.PENDING_LOGIN_KEY]
            user.otp_device = device  # type: ignore[attr-defined]
            auth_login(request, user, backend=pending["backend"])  # type: ignore[index]
            return redirect(pending["next"])  # type: ignore[index]
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        form.add_error(
            "otp_token",
            _("That code is not right or was already used. Wait for a new code and try again."),
        )
    return render(
        request,
        "registration/login_code.html",
        {
            "form": form,
            "has_authenticator": twofactor.has_authenticator(user),
            "has_passkeys": passkeys.has_passkeys(user),
        },
    )


def _pending_user(request: HttpRequest):
    """The user whose password was right and whose second factor is awaited, or None."""
    pending = twofactor.pending_login(request)
    if pending is None:
        return None, None
    return User.objects.filter(pk=pending["user_id"], is_active=True).first(), pending


def _json_body(request: HttpRequest) -> dict:
    if len(request.body) > 16384:
        return {}
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


@require_POST
@never_cache
def login_passkey_options(request: HttpRequest) -> HttpResponse:
    """Step two with a passkey: the challenge for the waiting user's passkeys."""
    user, _pending = _pending_user(request)
    if user is None or not passkeys.has_passkeys(user):
        return JsonResponse({"error": _("Please log in again.")}, status=400)
    options = passkeys.authentication_options(user=user, session=request.session)
    return HttpResponse(options, content_type="application/json")


@require_POST
@never_cache
def login_passkey(request: HttpRequest) -> HttpResponse:
    """Step two with a passkey: verify the assertion and log in. A refused assertion counts
    as a failed login (audited; django-axes locks after too many)."""
    user, pending = _pending_user(request)
    if user is None or pending is None:
        return JsonResponse({"error": _("Please log in again.")}, status=400)
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        del request.session[twofactor.PENDING_LOGIN_KEY]
        return get_lockout_response(request, None, credentials)
    try:
        passkey = passkeys.authenticate(
            user=user, session=request.session, credential=_json_body(request)
        )
    except passkeys.PasskeyError:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        return JsonResponse(
            {"error": _("That passkey was not accepted. Try again or use a code.")}, status=400
        )
    del request.session[twofactor.PENDING_LOGIN_KEY]
    user.otp_device = passkey
    auth_login(request, user, backend=pending["backend"])
    return JsonResponse({"redirect": pending["next"]})


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer to a locked-out username (AXES_LOCKOUT_CALLABLE): a page that says
    so, how long for, and who can unlock it."""
    cool_off = get_cool_off(request)
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    if request.path.startswith("/api/"):
        # The API answers in its own error format (api/exceptions.py).
        from django.http import JsonResponse

        message = _("Too many failed logins: this account is locked for a while.")
        return JsonResponse(
            {"error": {"code": "locked_out", "message": str(message)}}, status=status
        )
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(
        request,
        "registration/locked_out.html",
        context,
        status=status,
    )


# --- The user's own account -------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "has_authenticator": twofactor.has_authenticator(user),
            "backup_codes_left": twofactor.backup_codes_left(user),
            "two_factor_required": twofactor.required_for(user),
            "passkeys": list(passkeys.for_user(user)),
            "push_devices": list(push.devices_for(user)),
            "push_public_key": push.public_key() if push.enabled() else "",
        },
    )


@login_required
@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Show a new authenticator's QR code and secret; confirm it with a code, then show the
    backup codes once."""
    user = request.user
    device = twofactor.pending_authenticator(user=user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = twofactor.two_factor_enrol(
            user=user, device_id=device.pk, code=form.cleaned_data["otp_token"], request=request
        )
        if confirmed is not None:
            codes = twofactor.backup_codes_regenerate(user=user, request=request)
            # This session now counts as verified with the new device.
            from django_otp import login as otp_login

            otp_login(request, confirmed)
            request.session.pop(twofactor.OBLIGATION_KEY, None)
            messages.success(request, _("Two-factor authentication is on."))
            return render(request, "accounts/backup_codes.html", {"codes": codes})
        form.add_error(
            "otp_token", _("That code is not right. Check the time on your phone and try again.")
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": twofactor.qr_data_uri(device),
            "secret": twofactor.secret_for_display(device),
            "replacing": twofactor.has_authenticator(user),
        },
    )


@login_required
@require_POST
@never_cache
def backup_codes_new(request: HttpRequest) -> HttpResponse:
    """New backup codes for a user logged in with their second factor; the old ones stop
    working."""
    if not request.user.is_verified():  # type: ignore[union-attr]
        raise PermissionDenied
    codes = twofactor.backup_codes_regenerate(user=request.user, request=request)
    return render(request, "accounts/backup_codes.html", {"codes": codes})


def _may_change_factors(request: HttpRequest) -> bool:
    """Adding or removing a second factor needs a session opened with one, if the user has
    one (a stolen password alone must not swap the second factor)."""
    user = request.user
    return not twofactor.has_second_factor(user) or user.is_verified()  # type: ignore[union-attr]


@login_required
@require_POST
@never_cache
def passkey_register_options(request: HttpRequest) -> HttpResponse:
    if not _may_change_factors(request):
        raise PermissionDenied
    options = passkeys.registration_options(user=request.user, session=request.session)
    return HttpResponse(options, content_type="application/json")


@login_required
@require_POST
@never_cache
def passkey_register(request: HttpRequest) -> HttpResponse:
    """Keep the passkey the browser created (JSON: name and credential)."""
    if not _may_change_factors(request):
        raise PermissionDenied
    data = _json_body(request)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        return JsonResponse({"error": _("Give the passkey a name.")}, status=400)
    credential = data.get("credential")
    try:
        passkey = passkeys.register(
            user=request.user,
            session=request.session,
            name=name,
            credential=credential if isinstance(credential, dict) else {},
            request=request,
        )
    except passkeys.PasskeyError:
        return JsonResponse({"error": _("The passkey could not be added. Try again.")}, status=400)
    if not request.user.is_verified():  # type: ignore[union-attr]
        # The first second factor: this session counts as opened with it.
        from django_otp import login as otp_login

        otp_login(request, passkey)
        request.session.pop(twofactor.OBLIGATION_KEY, None)
    messages.success(request, _("Passkey added."))
    return JsonResponse({"redirect": reverse("account")}, status=201)


@login_required
@require_POST
def passkey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_change_factors(request):
        raise PermissionDenied
    if not passkeys.remove(user=request.user, passkey_id=pk, request=request):
        raise Http404
    messages.success(request, _("Passkey removed."))
    return redirect("account")


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view keeps this session (update_session_auth_hash) and thereby ends every
    other session of the user: their stored hash no longer matches."""

    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action=AuditAction.CHANGED,
            actor=self.request.user,
            target=self.request.user,
            request=self.request,
            detail={"change": "password changed"},
        )
        messages.success(self.request, _("Your password is changed. Other sessions are closed."))
        return response


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The page an invitation (or a resent link) opens."""

    template_name = "registration/password_set.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action=AuditAction.CHANGED,
            actor=form.user,
            target=form.user,
            request=self.request,
            detail={"change": "password set from link"},
        )
        messages.success(self.request, _("Your password is set. You can log in now."))
        return response


# --- Organisation users (org admins) ----------------------------------------------------------


def _org_admin(request: HttpRequest) -> User:
    """The requesting user, who must be an org admin (403 otherwise)."""
    if not has_right(request.user, Right.MANAGE_USERS):
        raise PermissionDenied
    return cast(User, request.user)


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    admin = _org_admin(request)
    users = list(selectors.manageable_users(admin))
    return render(request, "partners/user_list.html", {"users": users})


@login_required
def user_invite(request: HttpRequest) -> HttpResponse:
    admin = _org_admin(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(by=admin, request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(username)s is invited: a link to set a password is on its way.")
                % {"username": user.username},
            )
            return redirect("organisation:user", pk=user.pk)
    return render(request, "partners/user_invite.html", {"form": form})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    admin = _org_admin(request)
    member = get_object_or_404(selectors.manageable_users(admin), pk=pk)
    form = RoleForm(request.POST or None, initial={"role": member.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_role_change(
                by=admin, user=member, role=form.cleaned_data["role"], request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Role saved."))
            return redirect("organisation:user", pk=member.pk)
    return render(
        request,
        "partners/user_detail.html",
        {"member": member, "form": form, "is_self": member.pk == admin.pk},
    )


@login_required
@require_POST
def user_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    admin = _org_admin(request)
    member = get_object_or_404(selectors.manageable_users(admin), pk=pk)
    try:
        if action == "deactivate":
            services.user_active_set(by=admin, user=member, active=False, request=request)
            messages.success(request, _("%(u)s is deactivated.") % {"u": member.username})
        elif action == "reactivate":
            services.user_active_set(by=admin, user=member, active=True, request=request)
            messages.success(request, _("%(u)s is active again.") % {"u": member.username})
        elif action == "password-link":
            services.user_password_link_send(by=admin, user=member, request=request)
            messages.success(request, _("A link to set a password is on its way."))
        elif action == "unlock":
            services.user_unlock(by=admin, user=member, request=request)
            messages.success(request, _("%(u)s can log in again.") % {"u": member.username})
        elif action == "reset-passkeys":
            services.user_passkeys_reset(by=admin, user=member, request=request)
            messages.success(request, _("Passkeys removed for %(u)s.") % {"u": member.username})
        elif action == "reset-two-factor":
            services.user_two_factor_reset(by=admin, user=member, request=request)
            messages.success(
                request, _("Two-factor authentication removed for %(u)s.") % {"u": member.username}
            )
        else:
            raise PermissionDenied
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(reverse("organisation:user", kwargs={"pk": member.pk}))
