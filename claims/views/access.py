"""The one access check every dashboard page opens with."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponseForbidden,
)
from django.http.response import HttpResponseBase

from claims.permissions import Action, can

View = Callable[..., HttpResponseBase]


def desk_member(view: View) -> View:
    """A logged-in user with a desk role; others get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can(request.user, Action.VIEW):
            return HttpResponseForbidden("You have no role on this desk; ask an editor.")
        return view(request, *args, **kwargs)

    return wrapped
