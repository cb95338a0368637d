"""Demo logins are stable: seed_demo creates the accounts once and keeps their passwords on
every later run (each `make run`), prints how to reset them, and resets only when asked."""

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from claims.permissions import Role, roles_of


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _printed_password(output: str, username: str) -> str:
    line = next(line for line in output.splitlines() if line.strip().startswith(username + " "))
    return line.split()[1]


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


@pytest.mark.django_db
def test_a_second_seed_keeps_every_password_and_says_how_to_reset() -> None:
    first = _seed()
    passwords = {name: _printed_password(first, name) for name in ("editor", "checker", "viewer")}
    assert all(_user(name).check_password(pw) for name, pw in passwords.items())
    viewer = _user("viewer")
    viewer.set_password("the-viewer-chose-this-one")  # the desk changes a password
    viewer.save()

    again = _seed()
    assert _printed_password(again, "editor") == "(unchanged)"
    assert _user("editor").check_password(passwords["editor"])
    assert _user("checker").check_password(passwords["checker"])
    assert _user("viewer").check_password("the-viewer-chose-this-one")
    assert "seed_demo --reset-passwords" in again and "changepassword" in again
    assert get_user_model().objects.count() == 4
    assert roles_of(_user("checker")) == {Role.FACT_CHECKER}


@pytest.mark.django_db
def test_passwords_change_only_when_asked() -> None:
    first = _seed()
    old = _printed_password(first, "editor")
    reset = _seed("--reset-passwords")
    new = _printed_password(reset, "editor")
    assert new != old and _user("editor").check_password(new)
    _seed("--password", "one-for-the-workshop")
    assert all(
        _user(name).check_password("one-for-the-workshop")
        for name in ("editor", "editor2", "checker", "viewer")
    )


@pytest.mark.django_db
def test_roles_the_desk_changed_are_kept_too() -> None:
    from claims.services import people

    _seed()
    people.user_set_role(user=_user("viewer"), role=Role.FACT_CHECKER)
    _seed()
    assert roles_of(_user("viewer")) == {Role.FACT_CHECKER}
