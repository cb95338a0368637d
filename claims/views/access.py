"""The one access check every dashboard page opens with."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

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
            return refusal(request, 403, "You have no role on this desk; ask an editor.")
        return view(request, *args, **kwargs)

    return wrapped


def refusal(
    request: HttpRequest,
    status: int,
    message: str,
    *,
    back: str = "",
    back_label: str = "",
    title: str = "",
) -> HttpResponse:
    """A refused request as a page of the desk (navigation, the reason in words): the
    templates 400.html, 403.html, 404.html, 405.html and 409.html, which Django's own error
    handlers render too."""
    context = {
        "title": title or TITLES[status],
        "reason": message,
        "back": back,
        "back_label": back_label,
    }
    return render(request, f"{status}.html", context, status=status)


TITLES = {
    400: "That did not work",
    403: "Not allowed",
    404: "Not found",
    405: "Not that way",
    409: "Somebody else changed this",
}


def post_only(view: View) -> View:
    """Like Django's require_POST, but a GET gets the desk's 405 page (with the way back), not
    an empty response."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST":
            response = refusal(request, 405, "This address only takes a form's submission.")
            response["Allow"] = "POST"
            return response
        return view(request, *args, **kwargs)

    return wrapped
