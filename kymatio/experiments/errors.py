"""The errors of wrong user input to the harness (their own module: the configuration,
the model registry, the data readers and the run folder all raise them). The command line
turns both into a one-line message and exit status 2."""

__all__ = ["ConfigError", "DataError"]


class ConfigError(ValueError):
    """An invalid experiment setting; the message names it and says what to do."""


class DataError(ValueError):
    """A data file that cannot be read as its format (truncated, another format, or a
    pickle referencing code); the message names the file."""
