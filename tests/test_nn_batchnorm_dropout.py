"""BatchNorm and Dropout: forward from the definitions, backward against finite differences, train/eval modes,
running statistics in the weights file, and the networks that use them (whole-network gradients with BatchNorm:
tests/test_nn_training.py)."""
from __future__ import annotations

import io

import numpy as np
import pytest

from cnnviz.mnist import load_mnist
from cnnviz.nn import BatchNorm, Dropout, build, lenet, load_model, mlp, network_name, train
from tests.test_nn_layers import numeric_gradient


@pytest.fixture(scope="module")
def digits():
    return load_mnist("train", source="bundled")


def check_gradients(layer, x, training: bool, rng, reseed=None) -> None:
    """Backward at ``x`` equals centred differences of ``L = Σ out·g`` (``reseed()`` before every forward)."""
    reseed = reseed or (lambda: None)
    reseed()
    out, cache = layer.forward(x, training)
    g = rng.standard_normal(out.shape)
    dx = layer.backward(g, cache)
    grads = {k: v.copy() for k, v in layer.grads.items()}

    def loss():
        reseed()
        return float((layer.forward(x, training)[0] * g).sum())

    np.testing.assert_allclose(dx, numeric_gradient(loss, x), rtol=1e-5, atol=1e-7)
    for key, param in layer.params.items():
        np.testing.assert_allclose(grads[key], numeric_gradient(loss, param), rtol=1e-5, atol=1e-7, err_msg=key)


def with_random_affine(bn: BatchNorm, rng) -> BatchNorm:
    bn.params["gamma"][...] = rng.uniform(0.5, 2, bn.features)
    bn.params["beta"][...] = rng.standard_normal(bn.features)
    return bn


@pytest.mark.parametrize("shape", [(6, 5), (3, 4, 5, 3)], ids=["dense (N, F)", "conv (N, H, W, C)"])
def test_batchnorm_in_training_normalises_each_channel_over_all_other_axes(shape):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape) * 3 + 7
    bn = with_random_affine(BatchNorm(shape[-1], dtype=np.float64), rng)
    out, _ = bn.forward(x, training=True)
    per_channel = np.moveaxis(x, -1, 0).reshape(shape[-1], -1)  # (C, N·H·W)
    for ch, values in enumerate(per_channel):  # the textbook formula, one channel at a time
        expected = (values - values.mean()) / np.sqrt(((values - values.mean()) ** 2).mean() + 1e-5)
        expected = bn.params["gamma"][ch] * expected + bn.params["beta"][ch]
        np.testing.assert_allclose(np.moveaxis(out, -1, 0)[ch].ravel(), expected, rtol=1e-10)


@pytest.mark.parametrize("training", [True, False], ids=["training", "evaluation"])
@pytest.mark.parametrize("shape", [(6, 5), (3, 4, 5, 3)], ids=["dense", "conv"])
def test_batchnorm_backward_matches_finite_differences(shape, training):
    rng = np.random.default_rng(1)
    bn = with_random_affine(BatchNorm(shape[-1], dtype=np.float64), rng)
    bn.buffers["running_mean"][...] = rng.standard_normal(shape[-1])
    bn.buffers["running_var"][...] = rng.uniform(0.5, 2, shape[-1])
    check_gradients(bn, rng.standard_normal(shape) * 2 + 1, training, rng)


def test_batchnorm_running_statistics_follow_the_momentum_rule_and_serve_evaluation():
    rng = np.random.default_rng(2)
    bn = BatchNorm(2, dtype=np.float64)
    batches = [rng.standard_normal((8, 3, 3, 2)) * [1, 4] + [5, -2] for _ in range(3)]
    mean, var = np.zeros(2), np.ones(2)
    for x in batches:
        bn.forward(x, training=True)
        flat = x.reshape(-1, 2)
        mean = 0.9 * mean + 0.1 * flat.mean(axis=0)
        var = 0.9 * var + 0.1 * flat.var(axis=0, ddof=1)  # unbiased, as PyTorch keeps it
    np.testing.assert_allclose(bn.buffers["running_mean"], mean)
    np.testing.assert_allclose(bn.buffers["running_var"], var)
    one = batches[0][:1]
    out, _ = bn.forward(one)  # evaluation: the running statistics, whatever the batch
    np.testing.assert_allclose(out, (one - mean) / np.sqrt(var + 1e-5))
    np.testing.assert_allclose(bn.forward(batches[0])[0][:1], out)
    np.testing.assert_allclose(bn.buffers["running_mean"], mean)  # evaluation leaves them alone


def test_batchnorm_matches_pytorch_in_both_modes():
    torch = pytest.importorskip("torch")  # optional dev check: an outside reference
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 5, 6, 3)).astype(np.float32) * 2 + 1
    dout = rng.standard_normal(x.shape).astype(np.float32)
    bn = with_random_affine(BatchNorm(3), rng)
    ref = torch.nn.BatchNorm2d(3)
    with torch.no_grad():
        ref.weight[...] = torch.from_numpy(bn.params["gamma"].copy())
        ref.bias[...] = torch.from_numpy(bn.params["beta"].copy())
    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).requires_grad_()
    out_t = ref.train()(xt)
    out_t.backward(torch.from_numpy(dout.transpose(0, 3, 1, 2).copy()))
    out, cache = bn.forward(x, training=True)
    dx = bn.backward(dout, cache)
    np.testing.assert_allclose(out, out_t.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dx, xt.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(bn.grads["gamma"], ref.weight.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(bn.buffers["running_var"], ref.running_var.numpy(), rtol=1e-5)
    with torch.no_grad():
        expected = ref.eval()(torch.from_numpy(x.transpose(0, 3, 1, 2).copy())).numpy().transpose(0, 2, 3, 1)
    np.testing.assert_allclose(bn.forward(x)[0], expected, rtol=1e-4, atol=1e-5)


def test_dropout_in_training_zeroes_about_p_and_scales_the_rest_so_the_mean_stays():
    x = np.full((200, 100), 2.0)
    out, _ = Dropout(0.3, rng=np.random.default_rng(4)).forward(x, training=True)
    kept = out != 0
    assert kept.mean() == pytest.approx(0.7, abs=0.01)
    np.testing.assert_allclose(out[kept], 2.0 / 0.7)
    assert out.mean() == pytest.approx(2.0, rel=0.02)


def test_dropout_in_evaluation_passes_everything_through():
    x = np.random.default_rng(5).standard_normal((3, 4, 4, 2))
    drop = Dropout(0.5)
    out, cache = drop.forward(x)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(drop.backward(np.ones_like(x), cache), np.ones_like(x))


def test_dropout_backward_matches_finite_differences_with_the_same_mask():
    rng = np.random.default_rng(6)
    drop = Dropout(0.4)

    def reseed():
        drop.rng = np.random.default_rng(7)

    check_gradients(drop, rng.standard_normal((5, 6)), True, rng, reseed)


@pytest.mark.parametrize("p", [-0.1, 1.0, True, "half"])
def test_dropout_rejects_a_rate_outside_zero_to_one(p):
    with pytest.raises(ValueError, match="dropout rate"):
        Dropout(p)


def test_networks_are_named_by_their_options_and_built_back_from_the_name():
    assert network_name("lenet5_mnist", batchnorm=True, dropout=True) == "lenet5_mnist+bn+dropout"
    model = build("lenet5_mnist+bn+dropout")
    kinds = [layer.kind for layer in model.layers]
    assert kinds[:3] == ["conv", "batchnorm", "relu"] and kinds.count("batchnorm") == 4
    assert kinds.count("dropout") == 2 and model.variant == "lenet5_mnist+bn+dropout"
    # BatchNorm adds γ and β per channel: 2·(6 + 16 + 128 + 84) trainable numbers
    assert model.parameter_count == lenet().parameter_count + 2 * (6 + 16 + 128 + 84)
    np.testing.assert_array_equal(build("lenet5_mnist", seed=3).flat_params, lenet(seed=3).flat_params)
    for bad in ("vgg16", "lenet5+bn+bn", "mlp+wide", ""):
        with pytest.raises(ValueError, match="unknown network"):
            build(bad)


def test_mlp_has_no_convolution_and_the_parameters_of_its_dense_layers():
    model = mlp()
    assert "conv" not in [layer.kind for layer in model.layers]
    assert model.parameter_count == (784 * 256 + 256) + (256 * 128 + 128) + (128 * 10 + 10)
    assert model.predict(np.zeros((2, 28, 28), np.uint8)).shape == (2, 10)


def test_running_statistics_are_saved_with_the_weights_and_loaded_back(digits):
    model = build("lenet5_mnist+bn+dropout", seed=2)
    for _ in train(model, digits.images[:256], digits.labels[:256], epochs=1, batch_size=64):
        pass
    assert not np.allclose(model.layers[1].buffers["running_mean"], 0)  # training moved them
    loaded = load_model(model.to_bytes())
    assert loaded.variant == model.variant
    for ours, theirs in zip(model.layers, loaded.layers):
        for key, arr in ours.buffers.items():
            np.testing.assert_array_equal(theirs.buffers[key], arr)
    np.testing.assert_array_equal(loaded.predict(digits.images[:20]), model.predict(digits.images[:20]))
    saved = dict(np.load(io.BytesIO(model.to_bytes())))
    del saved["bn2.running_var"]
    buffer = io.BytesIO()
    np.savez(buffer, **saved)
    with pytest.raises(ValueError, match="lack bn2.running_var"):
        load_model(buffer.getvalue())
    saved["bn2.running_var"] = np.full(16, -1.0, np.float32)
    buffer = io.BytesIO()
    np.savez(buffer, **saved)
    with pytest.raises(ValueError, match="bn2.running_var holds a negative variance"):
        load_model(buffer.getvalue())


def test_dropout_networks_train_reproducibly_and_a_copy_continues_like_the_original(digits):
    images, labels = digits.images[:192], digits.labels[:192]

    def run(model):
        return [p.loss for p in train(model, images, labels, epochs=1, batch_size=64, seed=5)]

    first, again = build("lenet5_mnist+dropout", seed=4), build("lenet5_mnist+dropout", seed=4)
    twin = first.copy()
    assert run(first) == run(again) == run(twin)
    np.testing.assert_array_equal(first.flat_params, twin.flat_params)
    p = first.predict(images[:10])
    np.testing.assert_array_equal(first.predict(images[:10]), p)  # evaluation drops nothing


def test_nn_errors_carry_a_code_and_read_in_korean():
    from cnnviz.errors import CnnvizError

    for make, code in ((lambda: build("vgg16"), "unknown_network"), (lambda: Dropout(1.5), "dropout_rate"),
                       (lambda: BatchNorm(6).output_shape((4, 4, 3)), "batchnorm_channels")):
        with pytest.raises(CnnvizError) as info:
            make()
        assert info.value.code == code
        korean = info.value.message("ko")
        assert korean != str(info.value) and any("\uac00" <= ch <= "\ud7a3" for ch in korean)
