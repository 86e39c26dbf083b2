"""kymatio.version: version and short_version as in Kymatio 0.3.0."""
import re

import kymatio
from kymatio import version as version_module


def test_version_names():
    assert version_module.version == version_module.__version__ == kymatio.__version__
    assert re.fullmatch(r"\d+\.\d+", version_module.short_version)
    assert version_module.version.startswith(version_module.short_version + ".")
