"""Webhooks: tell subscribed CMS endpoints about desk events, signed, retried with backoff.

- `signing`: the signature scheme (pure: no Django), also what a receiver runs to verify.
- `delivery`: recording deliveries for an event, and sending each one exactly once per attempt
  (every attempt is claimed with a conditional UPDATE, so the Celery retry and
  `manage.py deliver_webhooks` never both send it).

Which audited actions cause which webhook is decided in `claims.services.audit`.
"""
