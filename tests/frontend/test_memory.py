"""The memory limit: every transform and model refuses, before allocating and at once,
a configuration whose estimate is above the limit (kymatio.frontend.memory)."""
import importlib
import time
import tracemalloc

import pytest

from kymatio.frontend.memory import (DEFAULT_MEMORY_LIMIT, ENVIRONMENT_VARIABLE,
                                     MemoryBudgetError, check_memory, memory_limit,
                                     parse_memory_size)

FRONTENDS = ["numpy", "torch", "sklearn", "jax", "tensorflow"]
# Arguments whose estimates are far above any limit: before the checks they hung
# (L=10**7, L=10**5: minutes in Python loops) or allocated for long.
IMPOSSIBLE = [("Scattering2D", dict(J=2, shape=(32, 32), L=10 ** 7), "L"),
              ("HarmonicScattering3D", dict(J=2, shape=(16, 16, 16), L=10 ** 5), "L"),
              ("Scattering1D", dict(J=3, shape=64, Q=10 ** 7), "Q"),
              ("Scattering1D", dict(J=3, shape=10 ** 10), "shape")]


def refused_quickly(build, match=None):
    """``build()`` raises MemoryBudgetError within a second, having allocated (NumPy and
    Python objects) less than a megabyte; the error's message."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(MemoryBudgetError, match=match) as info:
            build()
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    assert peak < 1e6, f"allocated {peak} bytes first"
    return str(info.value)


@pytest.mark.parametrize("frontend", FRONTENDS)
@pytest.mark.parametrize("name, kwargs, parameter", IMPOSSIBLE)
def test_impossible_sizes_are_refused_at_once(frontend, name, kwargs, parameter):
    module = pytest.importorskip(f"kymatio.{frontend}")
    message = refused_quickly(lambda: getattr(module, name)(**kwargs))
    assert "needs an estimated" in message and "nothing was allocated" in message
    assert f"{parameter}=" in message and ENVIRONMENT_VARIABLE in message


@pytest.mark.parametrize("name, kwargs, parameter", [IMPOSSIBLE[0], IMPOSSIBLE[2]])
def test_keras_layers_are_refused_when_built(name, kwargs, parameter):
    keras_module = pytest.importorskip("kymatio.keras")
    kwargs = dict(kwargs)
    shape = kwargs.pop("shape")
    shape = (shape,) if isinstance(shape, int) else shape
    layer = getattr(keras_module, name)(**kwargs)
    refused_quickly(lambda: layer.build((None,) + shape), match=parameter)


def test_a_large_image_is_refused_before_allocating():
    # The 2D transform of 8000 x 8000 images used to allocate ~1 GB before failing.
    from kymatio.numpy import Scattering2D
    message = refused_quickly(lambda: Scattering2D(J=3, shape=(8000, 8000)))
    assert "32.7 GB" in message and "filters" in message and "above the limit of 8.0 GB" \
        in message


def test_the_environment_variable_sets_the_limit(monkeypatch):
    from kymatio.torch import Scattering2D
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "100kB")
    message = refused_quickly(lambda: Scattering2D(J=2, shape=(32, 32)))
    assert "above the limit of 100.0 kB (KYMATIO_MEMORY_LIMIT='100kB')" in message
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "none")
    assert memory_limit() is None
    assert check_memory("x", {"filters": 1e30}, "lower L") == 1e30
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "64GB")
    Scattering2D(J=2, shape=(32, 32))
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    assert memory_limit() == DEFAULT_MEMORY_LIMIT


@pytest.mark.parametrize("text, expected", [("8GB", 8e9), (" 500 mb ", 5e8), ("2GiB", 2 ** 31),
                                            ("1e9", 1e9), ("1.5TB", 1.5e12), ("none", None),
                                            ("inf", None), ("123", 123.0)])
def test_memory_sizes_are_parsed(text, expected):
    assert parse_memory_size(text) == expected


@pytest.mark.parametrize("text", ["8 GBs", "-1GB", "lots", ""])
def test_bad_memory_sizes_name_the_variable(text):
    with pytest.raises(ValueError, match=ENVIRONMENT_VARIABLE):
        parse_memory_size(text)


def test_the_message_gives_estimate_parts_remedy_and_the_way_to_raise_the_limit():
    with pytest.raises(MemoryBudgetError) as info:
        check_memory("T(L=9)", {"filters": 3e9, "output": 2e9, "maps": 1e9, "tiny": 1},
                     "lower L", limit=5e9, limit_name="max_bytes")
    message = str(info.value)
    assert message.startswith("T(L=9) needs an estimated 6.0 GB of memory (filters: 3.0 GB, "
                              "output: 2.0 GB, maps: 1.0 GB)")
    assert "above the limit of 5.0 GB (max_bytes)" in message
    assert "lower L" in message and "raise max_bytes" in message
    assert issubclass(MemoryBudgetError, MemoryError)


MODELS = [
    ("kymatio.models", "ExampleLinearClassifier", dict(J=2, image_size=32, in_channels=3,
                                                       num_classes=10 ** 8), "num_classes"),
    ("kymatio.models", "VisionTransformer", dict(image_size=4096, patch_size=1,
                                                 embed_dim=512, num_heads=4), "patch_size"),
    ("kymatio.models", "WaveletTransformer", dict(embed_dim=10 ** 5, num_heads=1),
     "embed_dim"),
    ("kymatio.models", "ScatteringNet", dict(n_blocks=4, in_channels=3, image_size=32,
                                             num_classes=10), "mixing_horizon"),
    ("kymatio.flow", "Scalogram", dict(n_times=64, J=40, pad_mode="constant"), "J"),
    ("kymatio.flow", "ScalogramEncoder", dict(stage_channels=(10 ** 5,) * 4), "stage_channels"),
    ("kymatio.flow", "ContinuousFlowMatcherTime", dict(param_dim=2, hidden_dim=10 ** 6,
                                                       encoder=object()), "hidden_dim"),
]


@pytest.mark.parametrize("module, name, kwargs, parameter", MODELS)
def test_models_are_refused_before_allocating(module, name, kwargs, parameter):
    cls = getattr(importlib.import_module(module), name)
    if name == "ExampleLinearClassifier":  # the transform is built first (small)
        with pytest.raises(MemoryBudgetError, match=parameter):
            cls(**kwargs)
        return
    message = refused_quickly(lambda: cls(**kwargs))
    assert parameter in message
