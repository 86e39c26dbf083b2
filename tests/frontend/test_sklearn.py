"""The scikit-learn contract of kymatio.sklearn: parameters, rebuilding, clone, grid
search, pickling, predict and feature names."""
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from kymatio.sklearn import HarmonicScattering3D, Scattering1D, Scattering2D

# (class, constructor arguments, a change of parameters that changes the filters)
CHANGES = [
    (Scattering2D, dict(J=1, shape=(8, 8), L=4), dict(L=6)),
    (Scattering2D, dict(J=1, shape=(8, 8), L=4), dict(J=2)),
    (Scattering2D, dict(J=2, shape=(8, 8)), dict(max_order=1, L=3)),
    (Scattering1D, dict(J=3, shape=64), dict(Q=2)),
    (Scattering1D, dict(J=3, shape=64, Q=2), dict(J=4, T=8)),
    (HarmonicScattering3D, dict(J=1, shape=(8, 8, 8), L=1), dict(L=2, J=2)),
    (HarmonicScattering3D, dict(J=1, shape=(8, 8, 8), L=1),
     dict(integral_powers=(1.0, 2.0), max_order=1)),
]


def rows(transformer, n=3, seed=0):
    return np.random.default_rng(seed).standard_normal((n, int(np.prod(transformer.shape))))


def assert_same_transformer(a, b):
    assert a.get_params() == b.get_params()
    x = rows(b)
    np.testing.assert_array_equal(a.transform(x), b.transform(x))
    np.testing.assert_array_equal(a.get_feature_names_out(), b.get_feature_names_out())


@pytest.mark.filterwarnings("ignore:Signal support is too small")
@pytest.mark.parametrize("cls, arguments, change", CHANGES)
def test_set_params_gives_a_fresh_transformer(cls, arguments, change):
    S = cls(**arguments)
    before = S.transform(rows(S)).shape
    assert S.set_params(**change) is S
    fresh = cls(**dict(arguments, **change))
    assert S.transform(rows(S)).shape != before
    assert_same_transformer(S, fresh)


@settings(max_examples=20, deadline=None)
@given(*[st.fixed_dictionaries({"J": st.integers(1, 3), "L": st.integers(1, 6),
                                 "max_order": st.integers(1, 2)})] * 2)
def test_set_params_matches_fresh_2d(first, second):
    S = Scattering2D(shape=(8, 8), **first).set_params(**second)
    assert_same_transformer(S, Scattering2D(shape=(8, 8), **second))


def test_invalid_set_params_leaves_the_transformer_unchanged():
    S = Scattering2D(J=1, shape=(8, 8), L=4)
    expected = S.transform(rows(S))
    with pytest.raises(ValueError, match="Invalid parameter 'M'"):
        S.set_params(M=3)
    with pytest.raises(RuntimeError, match="larger than 2"):
        S.set_params(J=4)
    assert S.get_params()["J"] == 1
    np.testing.assert_array_equal(S.transform(rows(S)), expected)


def test_scikit_learn_settings_survive_set_params():
    S = Scattering2D(J=1, shape=(8, 8)).set_output(transform="default")
    S.set_params(L=2)
    assert S._sklearn_output_config == {"transform": "default"}


@pytest.mark.filterwarnings("ignore:Signal support is too small")
@pytest.mark.parametrize("cls, arguments, change", CHANGES[::2])
def test_clone_and_pickle(cls, arguments, change):
    S = cls(**arguments)
    copy = clone(S)
    assert copy is not S
    assert_same_transformer(copy, S)
    copy.set_params(**change)
    assert S.get_params() == cls(**arguments).get_params()
    restored = pickle.loads(pickle.dumps(copy))
    assert type(restored) is cls
    assert_same_transformer(restored, copy)


def test_params_are_kept_as_given():
    shape = [8, 8]
    S = Scattering2D(2, shape)
    assert S.get_params()["shape"] is shape and S.get_params()["backend"] is None
    assert clone(S).get_params() == S.get_params()
    assert repr(S) == "Scattering2D(J=2, shape=[8, 8])"
    Q = (2,)
    T = Scattering1D(3, 64, Q=Q)
    assert T.get_params()["Q"] is Q and T.Q == (2, 1)


def test_predict_is_transform():
    S = Scattering2D(J=1, shape=(8, 8))
    x = rows(S)
    np.testing.assert_array_equal(S.predict(x), S.transform(x))
    np.testing.assert_array_equal(S.fit(x).transform(x), S.fit_transform(x))


def test_grid_search_over_J_and_L_matches_fresh_pipelines():
    digits = load_digits()
    x, y = digits.images.reshape(len(digits.images), -1)[:240], digits.target[:240]

    def pipeline(**scattering):
        return Pipeline([("scattering", Scattering2D(shape=(8, 8), **scattering)),
                         ("scaler", StandardScaler()),
                         ("classifier", LogisticRegression(max_iter=300))])

    grid = {"scattering__J": [1, 2], "scattering__L": [2, 6]}
    search = GridSearchCV(pipeline(J=3, L=8), grid, cv=3).fit(x, y)
    for params, score in zip(search.cv_results_["params"],
                             search.cv_results_["mean_test_score"]):
        fresh = pipeline(J=params["scattering__J"], L=params["scattering__L"])
        assert score == pytest.approx(cross_val_score(fresh, x, y, cv=3).mean(), abs=1e-12)
    assert len(set(search.cv_results_["mean_test_score"])) > 1
    best = search.best_estimator_.named_steps["scattering"]
    assert best.transform(x[:2]).shape[1] == best.get_feature_names_out().size


def test_feature_names_2d_follow_meta():
    S = Scattering2D(J=2, shape=(12, 8), L=3)
    names = S.get_feature_names_out()
    output = S.scattering(np.zeros((12, 8)))
    assert names.shape == (output.size,) and len(set(names)) == names.size
    meta = S.meta()
    k = 10  # an order-2 coefficient (orders 0, 1, 2: 1 + 6 + 9 coefficients)
    (j1, j2), (t1, t2) = meta["j"][k], meta["theta"][k]
    column = np.ravel_multi_index((k, 2, 1), output.shape)
    assert names[column] == f"c{k}_order2_j{j1}-{j2}_theta{t1}-{t2}_y2_x1"
    assert names[0] == "c0_order0_y0_x0"
    assert names[np.ravel_multi_index((1, 0, 1), output.shape)] == "c1_order1_j0_theta0_y0_x1"


@pytest.mark.filterwarnings("ignore:Signal support is too small")
def test_feature_names_1d_and_3d():
    S1 = Scattering1D(J=3, shape=64, Q=2)
    names = S1.get_feature_names_out()
    assert names.size == S1.transform(rows(S1)).shape[1] == len(set(names))
    key = S1.meta()["key"][-1]
    assert names[-1] == f"c{S1.output_size() - 1}_order2_n{key[0]}-{key[1]}_t7"
    S3 = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1, integral_powers=(0.5, 2.0))
    names = S3.get_feature_names_out()
    assert names.size == S3.transform(rows(S3)).shape[1] == 3 * 2 * 2
    assert list(names[:4]) == ["c0_order1_j0_l0_power0.5", "c0_order1_j0_l0_power2",
                               "c0_order1_j0_l1_power0.5", "c0_order1_j0_l1_power2"]
    assert names[-1] == "c2_order2_j0-1_l1_power2"
    local = HarmonicScattering3D(J=1, shape=(8, 8, 8), L=1, method="local",
                                 points=np.zeros((3, 3)))
    assert local.get_feature_names_out()[-1] == "c2_order2_j0-1_l1_point2"


def test_feature_names_check_input_length():
    S = Scattering2D(J=1, shape=(4, 4))
    assert S.get_feature_names_out([f"p{i}" for i in range(16)]).size == 9 * 4
    with pytest.raises(ValueError, match="takes 16 features"):
        S.get_feature_names_out(["a", "b"])
