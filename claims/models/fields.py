"""A column derived from others at every write: the claim-memory terms (see
claims.matching.text.stored_terms)."""

from __future__ import annotations

from typing import Any

from django.db import models


class TermsField(models.TextField):
    """terms() of the model's `sources` fields joined by a space, computed whenever the row is
    written by save() or bulk_create(). Writes that go around it (update(), bulk_update(),
    save(update_fields=...) without it) leave a value the database itself clears when the
    text changes (a trigger, migration 0020), and a missing value is computed at index load:
    the column is a cache that is either exact or empty."""

    def __init__(self, *args: Any, sources: tuple[str, ...] = ("text",), **kwargs: Any) -> None:
        self.sources = tuple(sources)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = self.sources
        for key in ("null", "blank", "editable"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def source_text(self, instance: models.Model) -> str:
        return " ".join(str(getattr(instance, name) or "") for name in self.sources)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        from claims.matching import text as claim_text

        value = claim_text.stored_terms(self.source_text(model_instance))
        setattr(model_instance, self.attname, value)
        return value
