"""factory_boy factories for the desk's records."""

import factory
from django.contrib.auth import get_user_model

from claims.ingest import content_hash
from claims.models import Article, Claim, Rating, Source

SENTENCE = "The council said on Tuesday that repairs will cost £48 million."


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(lambda n: f"Lead paragraph {n}. {SENTENCE} Nothing else happened.")
    content_hash = factory.LazyAttribute(lambda a: content_hash(a.body))
    extraction_status = "done"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = factory.LazyAttribute(lambda c: c.article.body.index(SENTENCE))
    end = factory.LazyAttribute(lambda c: c.start + len(SENTENCE))
    text = SENTENCE
    kind = "quantity"
    score = 0.8
    quantities = factory.LazyFunction(
        lambda: [{"text": "£48 million", "value": 48000000, "unit": "GBP", "bound": None}]
    )


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    claim = factory.SubFactory(ClaimFactory)
    url = "https://example.org/report"
    title = "Council budget report"


def rating(slug: str) -> Rating:
    return Rating.objects.get(slug=slug)
