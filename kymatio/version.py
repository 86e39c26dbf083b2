"""Version of the package: ``version`` and ``short_version`` (major.minor) as in
Kymatio 0.3.0, and ``__version__``."""
__all__ = ["__version__", "short_version", "version"]

__version__ = "0.4.0.dev1"
version = __version__
short_version = ".".join(version.split(".")[:2])
