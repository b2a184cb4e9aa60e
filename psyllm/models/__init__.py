"""Model builders that need no hub access."""
