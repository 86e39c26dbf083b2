"""Where Kymatio keeps computed results that are worth reusing (Kymatio 0.3.0's
``kymatio.caching``).

The cache lives under ``$KYMATIO_CACHE`` if that environment variable is set, otherwise
under ``~/kymatio_cache``; each user of the cache takes a named folder in it
(``fetch_qm7`` uses ``qm7``).
"""
import os
from typing import Optional

__all__ = ["find_cache_base_dir", "get_cache_dir"]

CACHE_ENV = "KYMATIO_CACHE"


def _base_folder(explicit: Optional[str], env_variable: str, default_name: str) -> str:
    """``explicit`` if given, else ``$env_variable`` if set, else ``~/default_name``."""
    if explicit is not None:
        return explicit
    return os.environ.get(env_variable, os.path.join(os.path.expanduser("~"), default_name))


def _named_folder(base: str, name: str, create: bool, missing_message: str) -> str:
    """The path ``base/name``, created (with its parents) if missing and ``create`` is True;
    ``ValueError(missing_message + path)`` if it is missing and ``create`` is False."""
    path = os.path.join(base, name)
    if not os.path.exists(path):
        if not create:
            raise ValueError(f"{missing_message}{path}")
        os.makedirs(path, exist_ok=True)
    return path


def find_cache_base_dir(cache_base_dir: Optional[str] = None) -> str:
    """The base folder of Kymatio's cache.

    Parameters
    ----------
    cache_base_dir : str, optional
        Returned as it is if given. Otherwise the environment variable ``KYMATIO_CACHE``
        names the folder, and without it the default is ``~/kymatio_cache``.

    Returns
    -------
    str
        The path of the cache's base folder (not created here).
    """
    return _base_folder(cache_base_dir, CACHE_ENV, "kymatio_cache")


def get_cache_dir(name: str = "", cache_base_dir: Optional[str] = None,
                  create: bool = True) -> str:
    """The cache folder ``name`` under the cache's base folder, created if needed.

    Parameters
    ----------
    name : str, optional
        Name of the folder, for instance ``"qm7"`` or ``"qm7/experiments"``; the default
        ``""`` is the base folder itself.
    cache_base_dir : str, optional
        Base folder, see :func:`find_cache_base_dir`.
    create : bool, optional
        Create the folder (and its parents) if it does not exist (default True).

    Returns
    -------
    str
        The folder's path.

    Raises
    ------
    ValueError
        If the folder does not exist and ``create`` is False.
    """
    return _named_folder(find_cache_base_dir(cache_base_dir), name, create,
                        "The cache directory does not exist, and create=False forbids "
                        "creating it: ")
