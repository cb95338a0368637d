"""The one access check every dashboard page opens with."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import (
    HttpRequest,
    HttpResponseForbidden,
)
from django.http.response import HttpResponseBase

from claims.permissions import Action, can

View = Callable[..., HttpResponseBase]


def needs_code(request: HttpRequest) -> bool:
    """Signed in with a password, but two-factor sign-in is on and the code not given yet."""
    from claims.services.people import has_two_factor

    user = request.user
    return has_two_factor(user) and not user.is_verified()  # type: ignore[union-attr]


def desk_member(view: View) -> View:
    """A logged-in user with a desk role (and their code, if they sign in with one); others
    get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if needs_code(request):
            return redirect_to_login(request.get_full_path(), "desk:two-factor-verify")
        if not can(request.user, Action.VIEW):
            return HttpResponseForbidden("You have no role on this desk; ask an editor.")
        return view(request, *args, **kwargs)

    return wrapped
