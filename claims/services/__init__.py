"""Every write that carries an editorial rule, one module per sub-domain. Views, the API, the
admin, commands and tasks all call these functions, so each rule is written (and enforced) once;
import the module you need (`from claims.services import workflow`).

- `workflow`: triage, assignment, the verdict, review (four-eyes), publication, reopening
- `research`: sources and comments
- `memory`: repeats (link, confirm, reject), applying an earlier verdict, past-verdict search
- `archive`: importing earlier fact-checks, setting their rating
- `articles`: loading articles, queueing and storing extraction
- `integrations`: API tokens, webhook subscriptions and redelivery
- `people`: roles, notifications, saved queues
- `audit`: the one audit call (Event, then the webhooks and notifications it causes)
- `guards`: the lock, version check and conditional UPDATE every claim write shares

Which step may be taken by whom from which status is data, in `claims.workflow`.
"""
