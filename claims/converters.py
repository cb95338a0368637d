"""URL converters shared by the dashboard, the public pages and the API."""

from django.urls import register_converter


class PkConverter:
    """A database id: digits within the 64-bit range every backend stores, so an id out of
    range is an unknown path (a JSON 404) rather than an overflow in SQLite (a 500)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > 2**63 - 1:
            raise ValueError(value)  # no match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(PkConverter, "pk")
