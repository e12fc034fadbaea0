"""cnnviz.nn models: LeNet variants, predict, activations, weights files, copies."""
from __future__ import annotations

import copy
import io
import pickle
import zipfile

import numpy as np
import pytest

from cnnviz.errors import CnnvizError
from cnnviz.mnist import load_mnist
from cnnviz.nn import Conv2d, build, lenet, load_model, train
from tests.hostile_files import npy, npy_header


@pytest.fixture(scope="module")
def images():
    return load_mnist("test", source="bundled").images[:8]


def test_lenet_parameter_counts_match_the_published_architectures():
    assert lenet("lenet5_mnist").parameter_count == 47_154  # the course's Keras LeNet
    assert lenet("lenet5").parameter_count == 61_706  # LeCun 1998 with full C3


def test_lenet_shapes_follow_the_course_notation():
    shapes = {name: shape for name, shape, _ in lenet("lenet5_mnist").summary()}
    assert [shapes[n] for n in ("conv1", "pool1", "conv2", "pool2", "flatten", "dense1", "dense2", "dense3")] == [
        (6, 24, 24), (6, 12, 12), (16, 8, 8), (16, 4, 4), (256,), (128,), (84,), (10,)]
    classic = {name: shape for name, shape, _ in lenet("lenet5").summary()}
    assert [classic[n] for n in ("conv1", "pool1", "conv2", "pool2", "dense1")] == [
        (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (120,)]


def test_lenet_rejects_an_unknown_variant():
    with pytest.raises(ValueError, match="lenet5_mnist, lenet5"):
        lenet("alexnet")


def test_first_layer_is_the_first_convolution_with_six_5x5_filters():
    for variant in ("lenet5_mnist", "lenet5"):
        first = lenet(variant).layers[0]
        assert isinstance(first, Conv2d) and first.name == "conv1"
        assert first.kernels.shape == (6, 1, 5, 5) and first.w.shape == (5, 5, 1, 6)


def test_predict_gives_probabilities_for_a_batch_or_one_image(images):
    model = lenet(seed=1)
    probs = model.predict(images)
    assert probs.shape == (8, 10) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(model.predict(images[3]), probs[3:4], rtol=1e-5)
    np.testing.assert_allclose(model.predict(images, batch_size=3), probs, rtol=1e-5)


def test_predict_accepts_floats_scaled_to_one_like_uint8(images):
    model = lenet(seed=1)
    np.testing.assert_allclose(model.predict(images / 255.0), model.predict(images), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("bad, message", [
    (np.zeros((2, 32, 32), np.uint8), "28×28"),
    (np.zeros((0, 28, 28), np.uint8), "28×28"),
    (np.full((1, 28, 28), 3.0), "between 0 and 1"),
    (np.full((1, 28, 28), np.nan), "between 0 and 1"),
    (np.zeros((1, 28, 28), bool), "numbers"),
    ("a digit", "28×28"),
    (7, "28×28"),
])
def test_predict_rejects_bad_images_in_words(bad, message):
    with pytest.raises(ValueError, match=message):
        lenet().predict(bad)


def test_predict_rejects_a_batch_size_below_one():
    with pytest.raises(ValueError, match="batch size must be at least 1"):
        lenet().predict(np.zeros((2, 28, 28), np.uint8), batch_size=0)


@pytest.mark.parametrize("variant, act, side", [("lenet5_mnist", "relu", 28), ("lenet5", "tanh", 32)])
def test_activations_list_every_stage_channels_first(images, variant, act, side):
    model = lenet(variant, seed=0)
    stages = model.activations(images[0])
    names = [name for name, _ in stages]
    assert names == ["input", "conv1", f"{act}1", "pool1", "conv2", f"{act}2", "pool2", "flatten",
                     "dense1", f"{act}3", "dense2", f"{act}4", "dense3", "softmax"]
    shapes = dict(stages)
    assert shapes["input"].shape == (1, side, side)
    for name, shape, _ in model.summary():
        assert shapes[name].shape == shape
    np.testing.assert_allclose(shapes["softmax"], model.predict(images[0])[0], rtol=1e-5)
    # channels-first maps hold the same numbers as the channels-last forward pass
    conv1, _ = model.layers[0].forward(model.prepare(images[:1]))
    np.testing.assert_array_equal(shapes["conv1"], conv1[0].transpose(2, 0, 1))
    if variant == "lenet5":
        background = (0 - 0.1307) / 0.3081
        np.testing.assert_allclose(shapes["input"][0, :2], background, rtol=1e-6)
        assert shapes["input"][0, 2:30, 2:30].max() == pytest.approx((1 - 0.1307) / 0.3081)


def test_activations_need_exactly_one_image(images):
    with pytest.raises(ValueError, match="one image"):
        lenet().activations(images[:2])


@pytest.mark.parametrize("variant", ["lenet5_mnist", "lenet5"])
def test_weights_round_trip_through_a_file_and_through_memory(tmp_path, images, variant):
    model = lenet(variant, seed=4)
    path = tmp_path / "weights.npz"
    model.save(path)
    from_file = load_model(path)
    from_bytes = load_model(model.to_bytes())
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    from_buffer = load_model(buffer)
    for loaded in (from_file, from_bytes, from_buffer):
        assert loaded.variant == variant
        np.testing.assert_array_equal(loaded.flat_params, model.flat_params)
        np.testing.assert_array_equal(loaded.predict(images), model.predict(images))


def test_weights_file_holds_named_arrays_without_pickles():
    with np.load(io.BytesIO(lenet().to_bytes()), allow_pickle=False) as data:
        assert {"variant", "conv1.w", "conv1.b", "dense3.w"} <= set(data.files)
        assert str(data["variant"]) == "lenet5_mnist" and data["conv1.w"].shape == (5, 5, 1, 6)


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_loading_bad_weights_files_explains_what_is_wrong():
    good = dict(np.load(io.BytesIO(lenet().to_bytes())))
    with pytest.raises(ValueError, match="not a cnnviz weights file"):
        load_model(b"this is no zip file")
    with pytest.raises(ValueError, match="not a cnnviz weights file"):
        load_model(lenet().to_bytes()[:500])  # truncated download
    with pytest.raises(ValueError, match="single array"):
        buffer = io.BytesIO()
        np.save(buffer, np.zeros(3))
        load_model(buffer.getvalue())
    with pytest.raises(ValueError, match="not saved by cnnviz"):
        load_model(_npz(w=np.zeros(3)))
    with pytest.raises(ValueError, match="unknown network"):
        load_model(_npz(**{**good, "variant": np.array("vgg16")}))
    with pytest.raises(ValueError, match="lack conv2.b"):
        load_model(_npz(**{k: v for k, v in good.items() if k != "conv2.b"}))
    with pytest.raises(ValueError, match=r"conv1.w has shape \(3, 3, 1, 6\)"):
        load_model(_npz(**{**good, "conv1.w": np.zeros((3, 3, 1, 6))}))
    with pytest.raises(ValueError, match="finite"):
        load_model(_npz(**{**good, "dense1.b": np.full(128, np.inf)}))


def test_weights_file_with_pickled_objects_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        obj = io.BytesIO()
        np.save(obj, np.array([{"evil": 1}], dtype=object), allow_pickle=True)
        z.writestr("variant.npy", obj.getvalue())
        z.writestr("cnnviz_format.npy", npy(np.array(1)))
    with pytest.raises(CnnvizError) as err:
        load_model(buffer.getvalue())
    assert err.value.code == "weights_bad_member" and err.value.params["name"] == "variant"


def test_copies_are_independent_and_keep_training_correctly(images):
    model = lenet(seed=2)
    twin = copy.deepcopy(model)
    np.testing.assert_array_equal(twin.flat_params, model.flat_params)
    labels = np.arange(8) % 10
    for _ in train(twin, images, labels, epochs=2, batch_size=4):
        pass
    assert not np.array_equal(twin.flat_params, model.flat_params)  # the original did not move
    assert twin.layers[0].params["w"].base is twin.flat_params  # layers still see the trained vector
    np.testing.assert_array_equal(twin.state_dict()["conv1.w"], twin.layers[0].w)



def test_a_pickled_model_comes_back_packed_and_keeps_training_like_the_original(images):
    model = build("lenet5_mnist+bn+dropout", seed=2)  # parameters, BatchNorm buffers, a Dropout generator
    labels = np.arange(8) % 10
    for _ in train(model, images, labels, epochs=1, batch_size=4):
        pass
    twin = pickle.loads(pickle.dumps(model, protocol=5))
    assert twin.layers[0].params["w"].base is twin.flat_params  # the optimizer's updates reach the layers
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(twin.state_dict()[name], value, err_msg=name)
    for trained in (model, twin):  # the same further training moves both the same way
        for _ in train(trained, images, labels, epochs=1, batch_size=4, seed=5):
            pass
    np.testing.assert_array_equal(twin.flat_params, model.flat_params)

def test_forward_matches_pytorch_with_the_same_weights(images):
    torch = pytest.importorskip("torch")  # optional dev check: an outside reference
    model = lenet("lenet5_mnist", seed=3)
    s = model.state_dict()
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5), torch.nn.ReLU(), torch.nn.AvgPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.AvgPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10))
    with torch.no_grad():
        for i, name in ((0, "conv1"), (3, "conv2")):
            net[i].weight[...] = torch.from_numpy(s[f"{name}.w"].transpose(3, 2, 0, 1).copy())
            net[i].bias[...] = torch.from_numpy(s[f"{name}.b"])
        # Keras flattens (H, W, C), PyTorch (C, H, W): permute dense1's input rows to match
        hwc_rows = np.arange(256).reshape(4, 4, 16).transpose(2, 0, 1).ravel()
        net[7].weight[...] = torch.from_numpy(s["dense1.w"][hwc_rows].T.copy())
        for i, name in ((7, "dense1"), (9, "dense2"), (11, "dense3")):
            if name != "dense1":
                net[i].weight[...] = torch.from_numpy(s[f"{name}.w"].T.copy())
            net[i].bias[...] = torch.from_numpy(s[f"{name}.b"])
        x = torch.from_numpy((images[:, None].astype(np.float32) / 255 - 0.1307) / 0.3081)
        expected = torch.softmax(net(x), dim=1).numpy()
    np.testing.assert_allclose(model.predict(images), expected, rtol=1e-4, atol=1e-6)


# ------------------------------------------------------------------------------ hostile weights files (issue 15)
def _zip(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _members(**replace) -> dict[str, bytes]:
    """The members of a good weights file as .npy bytes, some replaced."""
    good = {f"{k}.npy": npy(v) for k, v in np.load(io.BytesIO(lenet().to_bytes())).items()}
    good.update({f"{k}.npy": v for k, v in replace.items()})
    return good


def _code(data: bytes) -> str:
    with pytest.raises(CnnvizError) as err:
        load_model(data)
    return err.value.code


@pytest.mark.parametrize("value, code", [
    (npy(np.array(2**62)), "weights_other_format"),
    (npy(np.array("1")), "weights_bad_member"),  # a string: TypeError/ValueError from int() before
    (npy(np.array(1.5)), "weights_bad_member"),
    (npy(np.array(np.inf)), "weights_bad_member"),  # int(inf): OverflowError before
    (npy(np.zeros(3, np.int64)), "weights_bad_member"),
])
def test_a_bad_cnnviz_format_entry_is_named(value, code):
    assert _code(_zip(_members(cnnviz_format=value))) == code


def test_a_header_declaring_a_terabyte_allocates_nothing():
    huge = npy_header("<f4", (2**20, 2**20, 256))  # 1 TiB of float32 declared in 128 bytes
    assert _code(_zip(_members(**{"conv1.w": huge}))) == "weights_wrong_shape"
    empty = npy_header("<f4", (5, 5, 1, 6))  # the header promises 600 bytes; none follow
    assert _code(_zip(_members(**{"conv1.w": empty}))) == "weights_damaged"


@pytest.mark.parametrize("raw", ["{'descr': '<f4', 'fortran_order': False, 'shape': (5, 5, 1, 6), '''",
                                 "{'descr': '<f4', 'fortran_order': False, 'shape': (5L, 5, 1, 6), }",
                                 "__import__('os').system('true')", "[" * 2000])
def test_headers_that_broke_numpys_parser_are_named(raw):  # tokenize.TokenError, calls, deep nesting
    assert _code(_zip(_members(**{"conv1.w": npy_header("", (), raw=raw)}))) == "weights_bad_member"


def test_an_encrypted_member_is_named():
    data = bytearray(_zip(_members()))
    for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # general purpose flag bit 0: encrypted
        start = 0
        while (start := data.find(sig, start)) >= 0:
            data[start + at] |= 1
            start += 4
    assert _code(bytes(data)) == "weights_encrypted"  # zipfile raised RuntimeError before


def test_an_unknown_compression_method_is_named():
    data = bytearray(_zip(_members()))
    for sig, at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (start := data.find(sig, start)) >= 0:
            data[start + at: start + at + 2] = (99).to_bytes(2, "little")  # NotImplementedError before
            start += 4
    assert _code(bytes(data)) == "weights_compression"


def test_corrupt_deflate_data_is_named():
    data = bytearray(_zip(_members()))
    name = b"dense1.w.npy"
    start = data.index(name) + len(name) + 200  # inside dense1.w's compressed bytes
    data[start: start + 64] = b"\xff" * 64
    assert _code(bytes(data)) == "weights_damaged"  # zlib.error before


def test_unused_members_are_never_decompressed(monkeypatch):
    bomb = _zip({**_members(), "junk.npy": b"\0" * (64 * 2**20)})  # 64 MB of zeros in ~64 KB
    assert len(bomb) < 1_000_000
    real_read, total = zipfile.ZipExtFile.read, []

    def counting_read(self, n=-1):
        out = real_read(self, n)
        total.append(len(out))
        return out
    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    load_model(bomb)
    assert sum(total) < lenet().parameter_count * 4 + 10_000  # the parameters (+ headers), not the 64 MB


def test_a_member_longer_than_its_header_is_read_only_as_far_as_the_header_says(monkeypatch):
    w = npy(np.zeros((5, 5, 1, 6), np.float32)) + b"\0" * (32 * 2**20)  # 32 MB tail after conv1.w's data
    model = load_model(_zip(_members(**{"conv1.w": w})))
    assert not model.layers[0].params["w"].any()


def test_float64_weights_beyond_float32_are_refused_not_nan():
    big = np.full(128, 1e39)  # finite in float64, inf in float32: "nan% sure" on the page before
    assert _code(_zip(_members(**{"dense1.b": npy(big)}))) == "weights_out_of_range"
    ok = load_model(_zip(_members(**{"dense1.b": npy(np.full(128, 0.5))})))  # float64 in range: fine
    assert np.all(dict(ok.state_dict())["dense1.b"] == 0.5)


def test_an_oversized_file_is_refused_before_it_is_opened_as_a_zip():
    assert _code(b"PK" + b"\0" * (9 * 2**20)) == "weights_too_big_file"


def test_weights_errors_read_in_korean():
    with pytest.raises(CnnvizError) as err:
        load_model(b"this is no zip file")
    assert "가중치" in err.value.message("ko")


def test_a_zip_of_thousands_of_entries_is_refused_before_zipfile_parses_them():
    assert _code(_zip({**_members(), **{f"x{i}.npy": b"" for i in range(5000)}})) == "weights_too_many_members"
