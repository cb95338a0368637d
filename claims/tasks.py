"""Celery tasks: thin wrappers that load by id and call a service."""

from celery import shared_task

from claims import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def extract_article(article_id: int) -> str:
    """Extract and store the claims of one article (safe to run twice)."""
    article = services.article_extract(article_id=article_id)
    return article.extraction_status
