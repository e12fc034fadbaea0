"""cnnviz.nn training: whole-network gradients, optimizers, the train generator, evaluate."""
from __future__ import annotations

import math

import numpy as np
import pytest

from cnnviz.mnist import load_mnist
from cnnviz.nn import Adam, SGD, build, evaluate, lenet, random_shift, softmax_cross_entropy, train
from cnnviz.nn.training import learning_rate
from tests.test_nn_layers import numeric_gradient


@pytest.fixture(scope="module")
def digits():
    return load_mnist("train", source="bundled")


@pytest.mark.parametrize("variant", ["lenet5_mnist", "lenet5", "lenet5_mnist+bn", "mlp+bn"])
def test_whole_network_gradient_matches_finite_differences(variant, digits):
    model = build(variant, seed=1, dtype=np.float64)
    x = model.prepare(digits.images[:3])
    y = digits.labels[:3].astype(np.intp)
    model.loss_and_gradients(x, y)
    analytic = model.flat_grads.copy()
    picks = np.random.default_rng(0).choice(model.parameter_count, 40, replace=False)
    params = model.flat_params

    def loss():
        return softmax_cross_entropy(model.forward(x, training=True)[0], y)[0]  # BatchNorm: batch statistics

    for i in picks:  # finite differences on a sample of parameters from every layer
        numeric = numeric_gradient(loss, params[i: i + 1])[0]
        assert analytic[i] == pytest.approx(numeric, rel=1e-5, abs=1e-8), f"parameter {i}"


def test_small_model_overfits_a_tiny_batch(digits):
    images, labels = digits.images[:20], digits.labels[:20]
    model = lenet(seed=0)
    records = list(train(model, images, labels, epochs=60, batch_size=20, lr=3e-3, augment="none", schedule="constant"))
    assert records[-1].loss < 0.02 < records[0].loss
    assert evaluate(model, images, labels).accuracy == 1.0


def test_same_seeds_give_identical_runs_and_another_seed_does_not(digits):
    images, labels = digits.images[:300], digits.labels[:300]

    def run(model_seed, train_seed):
        model = lenet(seed=model_seed)
        losses = [p.loss for p in train(model, images, labels, epochs=2, batch_size=50, seed=train_seed)]
        return model.flat_params.copy(), losses

    first, again, other = run(3, 7), run(3, 7), run(3, 8)
    np.testing.assert_array_equal(first[0], again[0])
    assert first[1] == again[1]
    assert not np.array_equal(first[0], other[0])


def test_lenet_same_seed_same_initial_weights():
    np.testing.assert_array_equal(lenet(seed=5).flat_params, lenet(seed=5).flat_params)
    assert not np.array_equal(lenet(seed=5).flat_params, lenet(seed=6).flat_params)


def test_progress_counts_steps_epochs_and_a_short_last_batch(digits):
    records = list(train(lenet(), digits.images[:70], digits.labels[:70], epochs=2, batch_size=32))
    assert [p.step for p in records] == list(range(1, 7))
    assert [p.epoch for p in records] == [1, 1, 1, 2, 2, 2]
    assert [p.batch for p in records] == [1, 2, 3, 1, 2, 3]
    assert [p.batch_size for p in records] == [32, 32, 6] * 2
    assert [p.images_seen for p in records] == [32, 64, 70, 102, 134, 140]
    last = records[-1]
    assert (last.total_steps, last.batches_per_epoch, last.epochs) == (6, 3, 2)
    assert last.done and last.fraction == 1.0 and last.eta_s == 0.0 and not records[0].done
    assert all(p.images_per_s > 0 and 0 <= p.accuracy <= 1 and 0 <= p.batch_accuracy <= 1 for p in records)
    assert all(a.elapsed < b.elapsed for a, b in zip(records, records[1:]))
    with pytest.raises(AttributeError):
        last.step = 0  # frozen record


def test_running_averages_start_unbiased_then_smooth():
    model = lenet()
    records = list(train(model, *load_mnist("test", "bundled"), epochs=1, batch_size=100))
    first, second = records[:2]
    assert first.running_loss == pytest.approx(first.loss) and first.accuracy == pytest.approx(first.batch_accuracy)
    expected = (0.9 * 0.1 * first.loss + 0.1 * second.loss) / (1 - 0.9 ** 2)
    assert second.running_loss == pytest.approx(expected)


def test_pausing_between_batches_does_not_change_the_run(digits):
    images, labels = digits.images[:200], digits.labels[:200]
    straight = lenet(seed=1)
    for _ in train(straight, images, labels, batch_size=40, seed=2):
        pass
    paused = lenet(seed=1)
    gen = train(paused, images, labels, batch_size=40, seed=2)
    next(gen), next(gen)
    snapshot = paused.copy()  # the page may copy or evaluate the model while paused
    evaluate(snapshot, images[:10], labels[:10])
    rest = list(gen)
    assert [p.step for p in rest] == [3, 4, 5]
    np.testing.assert_array_equal(straight.flat_params, paused.flat_params)


def test_stopping_early_leaves_a_usable_model(digits):
    model = lenet()
    gen = train(model, digits.images[:256], digits.labels[:256], epochs=3)
    record = next(gen)
    gen.close()
    assert record.step == 1 and next(gen, None) is None
    assert model.predict(digits.images[:2]).shape == (2, 10)


def test_cosine_schedule_falls_from_lr_to_near_zero_and_constant_stays():
    rates = [learning_rate(0.01, s, 100, "cosine") for s in range(1, 101)]
    assert rates[0] == 0.01 and all(a > b for a, b in zip(rates, rates[1:])) and rates[-1] < 1e-5
    assert rates[49] == pytest.approx(0.01 * 0.5 * (1 + math.cos(math.pi * 49 / 100)))
    assert learning_rate(0.01, 70, 100, "constant") == 0.01


def test_flat_cosine_schedule_holds_for_half_the_run_then_falls_like_cosine():
    rates = [learning_rate(0.01, s, 100, "flat_cosine") for s in range(1, 101)]
    assert rates[:51] == [0.01] * 51
    assert all(a > b for a, b in zip(rates[50:], rates[51:])) and rates[-1] < 1e-4
    assert rates[75] == pytest.approx(learning_rate(0.01, 51, 100, "cosine"))  # t = 0.75 → cosine at t = 0.5


def test_progress_reports_the_learning_rate_used(digits):
    records = list(train(lenet(), digits.images[:64], digits.labels[:64], epochs=4, batch_size=32, lr=0.004))
    assert [p.lr for p in records] == pytest.approx([learning_rate(0.004, s, 8, "flat_cosine") for s in range(1, 9)])
    assert records[0].lr == 0.004 > records[-1].lr


def test_adam_follows_the_textbook_update():
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(6)
    ref, m, v = theta.copy(), np.zeros(6), np.zeros(6)
    adam = Adam(6, lr=0.01, dtype=np.float64)
    for t in range(1, 4):
        g = rng.standard_normal(6)
        adam.step(theta, g)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        ref -= 0.01 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        np.testing.assert_allclose(theta, ref, rtol=1e-12)


def test_sgd_with_momentum_follows_the_textbook_update():
    theta, sgd = np.array([1.0, -2.0]), SGD(2, lr=0.1, momentum=0.5, dtype=np.float64)
    sgd.step(theta, np.array([1.0, 1.0]))  # v = −0.1
    sgd.step(theta, np.array([1.0, 0.0]))  # v = 0.5·(−0.1, −0.1) − (0.1, 0)
    np.testing.assert_allclose(theta, [1.0 - 0.1 - 0.15, -2.0 - 0.1 - 0.05])


def test_train_accepts_numpy_numbers_for_hyper_parameters(digits):
    record = next(train(lenet(), digits.images[:8], digits.labels[:8], lr=np.float32(0.002), momentum=np.float64(0.5)))
    assert record.lr == pytest.approx(0.002)


def test_sgd_optimizer_trains_too(digits):
    model = lenet(seed=0)
    records = list(train(model, digits.images[:512], digits.labels[:512], epochs=3, optimizer="sgd", lr=0.05))
    assert records[-1].running_loss < records[0].loss


@pytest.mark.parametrize("kwargs, message", [
    (dict(labels=np.full(10, 10)), "0 to 9"),
    (dict(labels=np.zeros(9, dtype=int)), "one label per image"),
    (dict(labels=np.zeros(10)), "whole numbers"),
    (dict(lr=0.0), "learning rate"),
    (dict(lr=float("nan")), "learning rate"),
    (dict(lr="0.1"), "learning rate"),
    (dict(optimizer="sgd", momentum=1.0), "momentum"),
    (dict(optimizer="rmsprop"), "optimizer"),
    (dict(schedule="step"), "flat_cosine, cosine, constant"),
    (dict(augment="flip"), "shift, none"),
    (dict(epochs=0), "epochs"),
    (dict(batch_size=2.5), "batch size"),
    (dict(images=np.zeros((10, 32, 32), np.uint8)), "28×28"),
])
def test_train_rejects_bad_arguments_in_words(kwargs, message):
    args = dict(images=np.zeros((10, 28, 28), np.uint8), labels=np.zeros(10, dtype=int))
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        next(train(lenet(), **args))


def test_evaluate_confusion_matrix_matches_a_naive_count(digits):
    model = lenet(seed=2)
    for _ in train(model, digits.images[:400], digits.labels[:400], batch_size=50):
        pass
    images, labels = digits.images[400:700], digits.labels[400:700]
    result = evaluate(model, images, labels, batch_size=64)
    predicted = [int(np.argmax(model.predict(img))) for img in images]
    naive = np.zeros((10, 10), dtype=int)
    for t, p in zip(labels, predicted):
        naive[t, p] += 1
    np.testing.assert_array_equal(result.confusion, naive)
    np.testing.assert_array_equal(result.predictions, predicted)
    assert result.accuracy == sum(t == p for t, p in zip(labels, predicted)) / len(labels)
    for c in range(10):
        members = [p for t, p in zip(labels, predicted) if t == c]
        assert result.per_class[c] == pytest.approx(sum(p == c for p in members) / len(members))
    assert result.count == 300 and result.probabilities.shape == (300, 10)


def test_evaluate_marks_a_class_without_images_as_nan():
    result = evaluate(lenet(), np.zeros((3, 28, 28), np.uint8), np.array([1, 1, 2]))
    assert np.isnan(result.per_class[0]) and not np.isnan(result.per_class[1])
    assert result.confusion.sum() == 3


def test_random_shift_translates_each_image_within_the_limit_and_fills_with_zeros():
    rng = np.random.default_rng(0)
    images = rng.integers(1, 256, size=(40, 28, 28), dtype=np.uint8)  # no zeros inside
    shifted = random_shift(images, 2, np.random.default_rng(1))
    offsets = set()
    for original, moved in zip(images, shifted):
        matches = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                   if np.array_equal(moved, np.roll(original, (dy, dx), axis=(0, 1)) * _kept(dy, dx))]
        assert len(matches) == 1
        offsets.add(matches[0])
    assert len(offsets) > 10  # offsets vary from image to image
    np.testing.assert_array_equal(random_shift(images, 2, np.random.default_rng(1)), shifted)
    np.testing.assert_array_equal(random_shift(images, 0, rng), images)


def _kept(dy: int, dx: int) -> np.ndarray:
    """Mask of the pixels that stay inside after a shift by (dy, dx)."""
    rows = np.zeros(28, bool)
    rows[max(dy, 0): 28 + min(dy, 0)] = True
    cols = np.zeros(28, bool)
    cols[max(dx, 0): 28 + min(dx, 0)] = True
    return np.outer(rows, cols).astype(np.uint8)
