"""kymatio.keras: the layers in Keras 3 models (fit, predict, configuration, saving), on
the TensorFlow backend here and on the JAX and torch backends in subprocesses."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import kymatio  # noqa: E402
import kymatio.numpy as kn  # noqa: E402
from kymatio.keras import Scattering1D, Scattering2D  # noqa: E402

# Run in a fresh interpreter for each Keras backend (Keras picks it at import).
_MODEL_SCRIPT = textwrap.dedent("""
    import os, sys
    import numpy as np
    import keras
    from kymatio.keras import Scattering2D
    from kymatio.numpy import Scattering2D as Reference
    x = np.random.RandomState(0).randn(12, 2, 16, 16).astype(np.float32)
    y = (x.mean(axis=(1, 2, 3)) > 0).astype(np.int32)
    inputs = keras.Input(shape=(2, 16, 16))
    features = Scattering2D(J=2, L=4)(inputs)
    head = keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(features))
    model = keras.Model(inputs, head)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, batch_size=5, verbose=0)
    ours = keras.Model(inputs, features).predict(x, verbose=0)
    expected = Reference(J=2, shape=(16, 16), L=4)(x)
    assert np.abs(ours - expected).max() <= 1e-5 * np.abs(expected).max()
    path = os.path.join(sys.argv[1], "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    assert np.allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    print("ok", keras.backend.backend())
""")


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    x = rng.randn(24, 3, 16, 16).astype(np.float32)
    return x, (x[:, 0].mean(axis=(1, 2)) > 0).astype(np.int32)


def test_scattering2d_layer_in_a_trained_model(data, tmp_path):
    x, y = data
    inputs = keras.Input(shape=(3, 16, 16))
    layer = Scattering2D(J=2, L=4)
    features = layer(inputs)
    assert tuple(features.shape) == (None, 3, 25, 4, 4)
    head = keras.layers.Dense(2, activation="softmax")(keras.layers.Flatten()(features))
    model = keras.Model(inputs, head)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    # batch 10 of 24: the last batch is smaller (a graph with a batch of unknown size)
    history = model.fit(x, y, epochs=4, batch_size=10, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    expected = kn.Scattering2D(J=2, shape=(16, 16), L=4)(x)
    ours = keras.Model(inputs, features).predict(x, verbose=0)
    assert np.abs(ours - expected).max() <= 1e-5 * np.abs(expected).max()

    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               atol=1e-6)


def test_scattering1d_layer_output_shapes():
    x = np.random.RandomState(1).randn(4, 256).astype(np.float32)
    inputs = keras.Input(shape=(256,))
    for kwargs in [dict(J=4, Q=2), dict(J=4, Q=(4, 2), T=4), dict(J=3, oversampling=1,
                                                                     max_order=1)]:
        features = Scattering1D(**kwargs)(inputs)
        ours = keras.Model(inputs, features).predict(x, verbose=0)
        expected = kn.Scattering1D(shape=256, **kwargs)(x)
        assert tuple(features.shape) == (None,) + expected.shape[1:]
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)


def test_configuration_round_trip():
    layer = Scattering1D(J=3, Q=(8, 2), T=16, max_order=1, oversampling=1, name="sc")
    config = layer.get_config()
    assert {k: config[k] for k in ("J", "Q", "T", "max_order", "oversampling", "name")} == \
        dict(J=3, Q=(8, 2), T=16, max_order=1, oversampling=1, name="sc")
    assert Scattering1D.from_config(config).get_config() == config
    # a saved model's configuration is JSON: the tuple Q comes back as a list
    assert Scattering1D.from_config(json.loads(json.dumps(config))).Q == (8, 2)
    layer = Scattering2D(J=2, L=6, max_order=1, pre_pad=True)
    assert Scattering2D.from_config(layer.get_config()).get_config() == layer.get_config()
    assert keras.saving.get_registered_object("kymatio>Scattering2D") is Scattering2D


def test_entry_point_and_errors():
    assert type(kymatio.Scattering2D(J=2, frontend="keras")) is Scattering2D
    with pytest.raises(RuntimeError, match="has no HarmonicScattering3D"):
        kymatio.HarmonicScattering3D(J=1, shape=(8, 8, 8), frontend="keras")
    with pytest.raises(ValueError, match="size of the signal axes"):
        Scattering2D(J=2).build((None, None, None))


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_other_keras_backends(backend, tmp_path):
    env = dict(os.environ, KERAS_BACKEND=backend)
    done = subprocess.run([sys.executable, "-c", _MODEL_SCRIPT, str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"ok {backend}" in done.stdout
