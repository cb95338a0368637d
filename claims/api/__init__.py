"""The REST API (DRF) under /api/v1/: thin views over claims.services."""
