"""Model builders that need no hub access, and the published chat templates."""
