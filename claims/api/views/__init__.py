"""API views, split by the same sub-domains as the services; one view per action, each
declaring the desk action it needs (`base.DeskApi.actions`) and calling a service."""
