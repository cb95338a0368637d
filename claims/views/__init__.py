"""The dashboard, split by the same sub-domains as the services: `queues`, `articles`, `claims`
(the claim page and one handler per workflow step), `memory` (past verdicts), `reports`,
`people` (notifications, statistics); `access` holds the check every page opens with.

Every page needs a login and a desk role; every write goes through claims.services, and a
refused or stale action re-renders the page with what the person typed."""
