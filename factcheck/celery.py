"""The Celery application. Tasks run eagerly when no REDIS_URL is configured (settings)."""

import logging
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# A worker's matching index multiplies small blocks (4,096 rows by an article's claims): BLAS
# threads gain nothing there and, with one worker per core, only fight each other. Set before
# numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_ready.connect
def _requeue_lost_work(**kwargs: object) -> None:
    """When a worker starts (after an outage, say), queue what the queue lost meanwhile."""
    from claims.services import articles

    try:
        articles.articles_requeue()
    except Exception:  # never keep a worker from starting
        logging.getLogger(__name__).exception("Could not requeue lost extractions")
