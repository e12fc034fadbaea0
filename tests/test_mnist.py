"""cnnviz.mnist: the IDX reader, the bundled subset, and downloads from a loopback HTTP server.

No test touches the internet: every "mirror" is a server on 127.0.0.1 started here, serving IDX
files built from the bundled subset (and the official test files from ../shared when present).
"""
from __future__ import annotations

import gzip
import hashlib
import http.server
import importlib.util
import threading
import time

import numpy as np
import pytest

from cnnviz import mnist
from cnnviz.mnist import (MAX_IDX_BYTES, IdxFile, MnistDownloadError, MnistFileError, bundled_paths, download_mnist,
                          full_mnist_cached, gunzip, idx_bytes, load_mnist, read_idx, read_idx_files)
from tests.hostile_files import gzip_bomb
from tests.conftest import ROOT, SHARED_MNIST


# ---------------------------------------------------------------------------- IDX reader
def test_idx_round_trip_keeps_images_and_labels():
    images = np.random.default_rng(0).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    np.testing.assert_array_equal(read_idx(idx_bytes(images), 2051), images)
    np.testing.assert_array_equal(read_idx(idx_bytes(np.array([7, 0, 9], np.uint8)), 2049), [7, 0, 9])


def test_idx_header_is_big_endian_as_published():
    raw = idx_bytes(np.zeros((2, 28, 28), np.uint8))
    assert raw[:16] == bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28])


@pytest.mark.parametrize("raw, magic, message", [
    (idx_bytes(np.zeros(4, np.uint8)), 2051, "magic number 2049, expected 2051"),
    (idx_bytes(np.zeros((2, 28, 28), np.uint8)), 2049, "magic number 2051, expected 2049"),
    (b"\x00\x00\x08\x03" + (2).to_bytes(4, "big") + (32).to_bytes(4, "big") * 2 + bytes(2048), 2051, "32×32"),
    (idx_bytes(np.zeros((2, 28, 28), np.uint8))[:-1], 2051, "truncated"),
    (idx_bytes(np.zeros((2, 28, 28), np.uint8))[:10], 2051, "truncated"),
    (idx_bytes(np.zeros(4, np.uint8)) + b"\x00", 2049, "1 bytes more"),
    (b"\x00\x00\x08\x01" + bytes(4), 2049, "empty"),
])
def test_idx_reader_refuses_bad_files_in_words(raw, magic, message):
    with pytest.raises(MnistFileError, match=message):
        read_idx(raw, magic, "file")


def test_idx_pair_must_agree_and_hold_digits(tmp_path):
    images, labels = tmp_path / "i.gz", tmp_path / "l.gz"
    images.write_bytes(gzip.compress(idx_bytes(np.zeros((3, 28, 28), np.uint8))))
    labels.write_bytes(gzip.compress(idx_bytes(np.zeros(2, np.uint8))))
    with pytest.raises(MnistFileError, match="3 images but l.gz has 2 labels"):
        read_idx_files(images, labels)
    labels.write_bytes(gzip.compress(idx_bytes(np.array([1, 12, 3], np.uint8))))
    with pytest.raises(MnistFileError, match="label 12"):
        read_idx_files(images, labels)


def test_broken_gzip_is_reported_as_truncated_or_invalid(tmp_path):
    good = gzip.compress(idx_bytes(np.zeros(5, np.uint8)))
    (tmp_path / "i.gz").write_bytes(gzip.compress(idx_bytes(np.zeros((5, 28, 28), np.uint8))))
    (tmp_path / "l.gz").write_bytes(good[:-6])
    with pytest.raises(MnistFileError, match="truncated"):
        read_idx_files(tmp_path / "i.gz", tmp_path / "l.gz")
    (tmp_path / "l.gz").write_bytes(b"not gzip at all")
    with pytest.raises(MnistFileError, match="not a valid gzip"):
        read_idx_files(tmp_path / "i.gz", tmp_path / "l.gz")


# ---------------------------------------------------------------------------- bundled subset
def test_bundled_subset_is_stratified_interleaved_and_read_only():
    train, test = load_mnist("train", "bundled"), load_mnist("test", "bundled")
    assert train.images.shape == (4500, 28, 28) and test.images.shape == (500, 28, 28)
    assert train.images.dtype == np.uint8 and train.labels.dtype == np.uint8
    assert np.bincount(train.labels).tolist() == [450] * 10 and np.bincount(test.labels).tolist() == [50] * 10
    assert test.labels[:20].tolist() == list(range(10)) * 2  # any prefix is balanced
    assert (train.source, test.source, train.full, train.fallback_reason) == ("bundled", "bundled", False, None)
    assert not train.images.flags.writeable and not train.labels.flags.writeable
    images, labels = test  # unpacks like a tuple
    assert images is test.images and labels is test.labels and len(test) == 500


def test_bundled_train_and_test_splits_share_no_image():
    train, test = load_mnist("train", "bundled"), load_mnist("test", "bundled")
    seen = {img.tobytes() for img in train.images}
    assert not any(img.tobytes() in seen for img in test.images)
    assert train.images.max() == 255 and 0.05 < train.images.mean() / 255 < 0.25  # MNIST-like ink


def test_bundled_files_fit_the_size_budget():
    assert sum(p.stat().st_size for split in ("train", "test") for p in bundled_paths(split)) <= 1_000_000


def test_subset_tool_splits_every_class_one_in_ten_and_interleaves():
    spec = importlib.util.spec_from_file_location("make_mnist_subset", ROOT / "tools" / "make_mnist_subset.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    labels = np.repeat(np.arange(10, dtype=np.uint8), 20)  # ordered by label, like the source
    parts = tool.split(np.zeros((200, 28, 28), np.uint8), labels)
    assert sorted(parts["test"].tolist()) == [d * 20 + i for d in range(10) for i in (9, 19)]
    assert set(parts["train"]) | set(parts["test"]) == set(range(200))
    assert labels[parts["train"][:10]].tolist() == list(range(10))


# ---------------------------------------------------------------------------- loopback mirrors
class Mirror:
    """A loopback HTTP server; ``routes[path]`` is bytes, or a callable(handler) that answers."""

    def __init__(self):
        self.routes: dict[str, object] = {}
        self.log: list[str] = []
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                mirror.log.append(self.path)
                answer = mirror.routes.get(self.path)
                if answer is None:
                    self.send_error(404)
                elif callable(answer):
                    answer(self)
                else:
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, prefix: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{prefix}/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    s = Mirror()
    yield s
    s.close()


def _gz(array) -> bytes:
    return gzip.compress(idx_bytes(array), mtime=0)


@pytest.fixture(scope="module")
def catalogue():
    """IDX files made from the bundled subset, and the checksum table that describes them."""
    payload, files = {}, {}
    for split in ("train", "test"):
        images, labels = load_mnist(split, "bundled")
        specs = []
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            name = f"fake-{split}-{kind}-ubyte"
            raw = idx_bytes(np.asarray(array))
            payload[name + ".gz"] = gzip.compress(raw, mtime=0)
            specs.append(IdxFile(name, hashlib.sha256(raw).hexdigest(), len(raw)))
        files[split] = tuple(specs)
    return payload, files


def serve(server, prefix, payload):
    for name, data in payload.items():
        server.routes[f"/{prefix}/{name}"] = data


def test_download_verifies_caches_and_then_reads_the_cache(server, catalogue, tmp_path):
    payload, files = catalogue
    serve(server, "m1", payload)
    assert not full_mnist_cached("test", tmp_path, files)
    first = load_mnist("test", "download", tmp_path, mirrors=[server.url("m1")], files=files)
    assert first.source == "download" and first.full and first.fallback_reason is None
    np.testing.assert_array_equal(first.images, load_mnist("test", "bundled").images)
    assert full_mnist_cached("test", tmp_path, files) and not full_mnist_cached(None, tmp_path, files)
    requests = len(server.log)
    again = load_mnist("test", "auto", tmp_path, mirrors=[server.url("m1")], files=files)
    assert again.source == "cache" and len(server.log) == requests  # no new request
    np.testing.assert_array_equal(again.labels, first.labels)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{f.name}.gz" for f in files["test"])


def test_checksum_mismatch_moves_on_to_the_next_mirror(server, catalogue, tmp_path):
    payload, files = catalogue
    tampered = dict(payload)
    labels = load_mnist("test", "bundled").labels.copy()
    labels[0] = (labels[0] + 1) % 10  # a valid IDX file, one label wrong
    tampered["fake-test-labels-idx1-ubyte.gz"] = _gz(labels)
    serve(server, "bad", tampered)
    serve(server, "good", payload)
    data = load_mnist("test", "download", tmp_path, mirrors=[server.url("bad"), server.url("good")], files=files)
    assert data.labels[0] != labels[0]
    assert server.log.index("/bad/fake-test-labels-idx1-ubyte.gz") < server.log.index("/good/fake-test-labels-idx1-ubyte.gz")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]  # no half-written files left
    (tmp_path / "fake-test-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(MnistDownloadError, match="checksum mismatch"):
        download_mnist("test", tmp_path, mirrors=[server.url("bad")], files=files)
    assert not (tmp_path / "fake-test-labels-idx1-ubyte.gz").exists()


def test_a_mirror_that_stops_sending_times_out_and_the_next_one_is_used(server, catalogue, tmp_path):
    payload, files = catalogue

    def stall(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"\x1f\x8b")
        handler.wfile.flush()
        time.sleep(1.5)

    for name in payload:
        server.routes[f"/slow/{name}"] = stall
    serve(server, "good", payload)
    start = time.perf_counter()
    data = load_mnist("test", "download", tmp_path, timeout=0.3, mirrors=[server.url("slow"), server.url("good")],
                      files=files)
    assert data.source == "download" and time.perf_counter() - start < 5
    for f in files["test"]:
        (tmp_path / f"{f.name}.gz").unlink()
    with pytest.raises(MnistDownloadError, match="timed out"):
        download_mnist("test", tmp_path, timeout=0.3, mirrors=[server.url("slow")], files=files)


def test_a_truncated_transfer_is_rejected(server, catalogue, tmp_path):
    payload, files = catalogue

    def half(data):
        def answer(handler):
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data[: len(data) // 2])
            handler.close_connection = True
        return answer

    for name, data in payload.items():
        server.routes[f"/cut/{name}"] = half(data)
    with pytest.raises(MnistDownloadError, match="fake-test-images"):
        download_mnist("test", tmp_path, mirrors=[server.url("cut")], files=files)
    assert list(tmp_path.iterdir()) == []
    for name, data in payload.items():  # a server that cuts the file but sends no length either
        server.routes[f"/nolength/{name}"] = lambda h, d=data: (h.send_response(200), h.end_headers(),
                                                                 h.wfile.write(d[: len(d) // 2]))
    with pytest.raises(MnistDownloadError, match="truncated"):
        download_mnist("test", tmp_path, mirrors=[server.url("nolength")], files=files)


def test_a_missing_file_on_a_mirror_is_an_http_error_and_the_next_mirror_is_tried(server, catalogue, tmp_path):
    payload, files = catalogue
    serve(server, "good", payload)
    folder = download_mnist("test", tmp_path, mirrors=[server.url("empty"), server.url("good")], files=files)
    assert folder == tmp_path and full_mnist_cached("test", tmp_path, files)
    with pytest.raises(MnistDownloadError, match="HTTP 404"):
        download_mnist("train", tmp_path, mirrors=[server.url("empty")], files=files)


def test_a_corrupt_cache_entry_is_fetched_again(server, catalogue, tmp_path):
    payload, files = catalogue
    serve(server, "m", payload)
    images = np.array(load_mnist("test", "bundled").images)
    images[0, 14, 14] ^= 0xFF  # structurally valid, one pixel wrong
    (tmp_path / "fake-test-images-idx3-ubyte.gz").write_bytes(_gz(images))
    (tmp_path / "fake-test-labels-idx1-ubyte.gz").write_bytes(payload["fake-test-labels-idx1-ubyte.gz"])
    data = load_mnist("test", "auto", tmp_path, mirrors=[server.url("m")], files=files)
    assert data.source == "download"
    assert server.log == ["/m/fake-test-images-idx3-ubyte.gz"]  # only the corrupt file was fetched
    np.testing.assert_array_equal(data.images, load_mnist("test", "bundled").images)


def test_auto_falls_back_to_the_bundled_subset_and_says_why(server, catalogue, tmp_path):
    _, files = catalogue
    data = load_mnist("train", "auto", tmp_path, timeout=2, mirrors=[server.url("nothing")], files=files)
    assert data.source == "bundled" and not data.full and len(data) == 4500
    assert "HTTP 404" in data.fallback_reason
    with pytest.raises(MnistDownloadError):
        load_mnist("train", "download", tmp_path, timeout=2, mirrors=[server.url("nothing")], files=files)


def test_an_unreachable_mirror_is_reported_as_such(server, catalogue, tmp_path):
    _, files = catalogue
    closed = Mirror()
    url = closed.url("x")
    closed.close()  # nobody listens on that port any more
    data = load_mnist("test", "auto", tmp_path, timeout=2, mirrors=[url], files=files)
    assert data.source == "bundled" and "unreachable" in data.fallback_reason


def test_progress_reports_every_file_up_to_its_full_size(server, catalogue, tmp_path):
    payload, files = catalogue
    serve(server, "m", payload)
    events = []
    download_mnist("test", tmp_path, progress=events.append, mirrors=[server.url("m")], files=files)
    by_file = {}
    for e in events:
        by_file.setdefault(e.file, []).append(e)
    assert list(by_file) == ["fake-test-images-idx3-ubyte.gz", "fake-test-labels-idx1-ubyte.gz"]
    for name, seq in by_file.items():
        assert [e.done for e in seq] == sorted(e.done for e in seq)
        assert seq[-1].done == seq[-1].total == len(payload[name])
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and fractions[0] == 0.0


def test_cache_folder_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path / "here"))
    assert mnist.default_data_dir() == tmp_path / "here"
    monkeypatch.delenv("CNNVIZ_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if mnist.sys.platform.startswith("linux"):
        assert mnist.default_data_dir() == tmp_path / "cache" / "cnnviz" / "mnist"


def test_load_mnist_rejects_unknown_split_or_source():
    with pytest.raises(ValueError, match="split"):
        load_mnist("validation")
    with pytest.raises(ValueError, match="source"):
        load_mnist("train", source="internet")


@pytest.mark.skipif(not SHARED_MNIST.is_dir(), reason="official MNIST test files not available")
def test_official_test_files_pass_the_official_checksums(server, tmp_path):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        server.routes[f"/official/{name}"] = (SHARED_MNIST / name).read_bytes()
    data = load_mnist("test", "download", tmp_path, mirrors=[server.url("official")])
    assert data.images.shape == (10000, 28, 28) and np.bincount(data.labels).sum() == 10000
    assert data.labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # the well-known first test digits
    assert load_mnist("test", "auto", tmp_path, mirrors=[]).source == "cache"


# ------------------------------------------------------------------------------ hostile files (issue 15)
def test_a_gzip_bomb_in_the_cache_is_refused_after_the_expected_size(tmp_path, monkeypatch):
    spec = IdxFile("bomb-labels-idx1-ubyte", "0" * 64, 10_008)
    (tmp_path / f"{spec.name}.gz").write_bytes(gzip_bomb(64 * 2**20))  # 64 MB of zeros in ~64 KB
    real_read, asked = gzip.GzipFile.read, []

    def recording_read(self, size=-1):
        if "bomb" in str(getattr(self, "name", "")):
            asked.append(size)
        return real_read(self, size)
    monkeypatch.setattr(gzip.GzipFile, "read", recording_read)
    files = {"train": (spec, spec), "test": (spec, spec)}
    data = load_mnist("test", "auto", tmp_path, mirrors=["http://127.0.0.1:9/"], files=files, timeout=0.5)
    assert data.source == "bundled" and data.fallback_reason  # the bomb was refused, the mirror unreachable
    assert asked and all(0 < n <= spec.size + 1 for n in asked)  # never "read everything"


def test_gunzip_stops_at_its_limit_and_says_so():
    with pytest.raises(MnistFileError) as err:
        gunzip(gzip_bomb(8 * 2**20), "bomb.gz", limit=1000)
    assert err.value.code == "mnist_too_large" and "bomb.gz" in str(err.value)
    assert gunzip(gzip_bomb(1000), "exact.gz", limit=1000) == b"\0" * 1000


def test_an_uncompressed_idx_file_is_read_only_up_to_the_largest_mnist_size(tmp_path):
    big = tmp_path / "big-images-idx3-ubyte"
    with big.open("wb") as f:
        f.truncate(MAX_IDX_BYTES + 10)  # sparse: no real disk use
    with pytest.raises(MnistFileError) as err:
        read_idx_files(big, big)
    assert err.value.code == "mnist_too_large"
