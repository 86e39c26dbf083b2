"""The error of a wrong experiment setting (its own module: the configuration and the model
registry both raise it, and the configuration checks model arguments with the registry)."""

__all__ = ["ConfigError"]


class ConfigError(ValueError):
    """An invalid experiment setting; the message says which and what to do."""
