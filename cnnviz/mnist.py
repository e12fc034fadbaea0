r"""MNIST digits, offline first: a bundled 5,000-image subset, or full MNIST downloaded once.

``load_mnist(split, source)`` returns :class:`MnistData`, which unpacks like a tuple::

    images, labels = load_mnist("train")          # uint8 (N, 28, 28), uint8 (N,)
    data = load_mnist("test", source="auto")      # data.source says where it came from

Sources:

* ``"bundled"`` — 5,000 real MNIST digits (500 per class) shipped in ``cnnviz/data/``, split by
  class into 4,500 training and 500 test images (``tools/make_mnist_subset.py`` made them).
* ``"download"`` — full MNIST (60,000 + 10,000): the official IDX files, fetched once from the
  first mirror in :data:`MIRRORS` that answers, verified, and kept in the cache directory
  (``$CNNVIZ_DATA_DIR``, else the user's cache folder); later loads read the cache.
* ``"auto"`` — the cache if it holds a verified copy, else a download, else the bundled subset.

Every file is checked: the IDX reader verifies magic numbers (2049 labels, 2051 images),
dimensions and lengths, and downloaded data must match the SHA-256 of the decompressed official
file (re-compressed copies of MNIST differ as ``.gz`` but not once decompressed). A truncated or
corrupt file raises :class:`MnistFileError` — never a wrong array — and a corrupt cache entry is
fetched again. Gzip files are streamed and size-checked while they decompress: a gzip bomb is
refused after at most the expected size (:data:`MAX_IDX_BYTES` for files without a checksum).
"""
from __future__ import annotations

import gzip
import hashlib
import http.client
import io
import os
import sys
import tempfile
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

import numpy as np

from .errors import CnnvizError

SPLITS = ("train", "test")
SOURCES = ("auto", "bundled", "download")
DATA_DIR_ENV = "CNNVIZ_DATA_DIR"
BUNDLED_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_PREFIX = "mnist5k-"
# Public mirrors of the original files (yann.lecun.com itself now refuses most downloads).
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
LABELS_MAGIC, IMAGES_MAGIC = 2049, 2051
CHUNK = 1 << 16
MAX_IDX_BYTES = 47_040_016  # the largest MNIST file (60,000 training images), decompressed


@dataclass(frozen=True)
class IdxFile:
    """One IDX file: its name (``.gz`` on the wire) and the SHA-256 and size of its decompressed bytes."""

    name: str
    sha256: str
    size: int


# SHA-256 of the decompressed official files (the official .gz MD5s, as torchvision lists them:
# train-images f68b3c2d…, train-labels d53e105e…, t10k-images 9fb629c4…, t10k-labels ec29112d…).
MNIST_FILES: Mapping[str, tuple[IdxFile, IdxFile]] = {
    "train": (
        IdxFile("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47040016),
        IdxFile("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60008),
    ),
    "test": (
        IdxFile("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7840016),
        IdxFile("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10008),
    ),
}


class MnistFileError(CnnvizError):
    """An MNIST file is truncated, corrupt, or not what it claims to be (codes ``mnist_*``)."""


class MnistDownloadError(OSError):
    """No mirror delivered a verified copy of a file."""


@dataclass(frozen=True)
class MnistData:
    """One split of MNIST. Unpacks as ``images, labels = data``.

    ``images`` uint8 ``(N, 28, 28)`` (white digit on black, 0–255) and ``labels`` uint8 ``(N,)``,
    both read-only. ``source`` is ``"bundled"`` (the 5,000-image subset shipped with cnnviz),
    ``"cache"`` (full MNIST read from the cache) or ``"download"`` (full MNIST fetched just now).
    ``fallback_reason`` says why ``source="auto"`` fell back to the bundled subset (else ``None``).
    """

    images: np.ndarray
    labels: np.ndarray
    split: str
    source: str
    fallback_reason: str | None = None

    @property
    def full(self) -> bool:
        """True for the complete MNIST split, False for the bundled subset."""
        return self.source != "bundled"

    def __iter__(self) -> Iterator[np.ndarray]:
        yield self.images
        yield self.labels

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class DownloadProgress:
    """Handed to a download's ``progress`` callback after every chunk."""

    file: str  # e.g. "train-images-idx3-ubyte.gz"
    done: int  # bytes received for this file
    total: int | None  # the file's size if the server said it
    file_index: int  # 1-based, of file_count files still to fetch
    file_count: int

    @property
    def fraction(self) -> float:
        """Overall progress 0–1, counting each file as an equal share."""
        within = min(self.done / self.total, 1.0) if self.total else 0.0
        return (self.file_index - 1 + within) / self.file_count


# ---------------------------------------------------------------------------- IDX format
def read_idx(raw: bytes, magic: int, name: str = "IDX file") -> np.ndarray:
    """Parse IDX bytes into a read-only uint8 array, checking magic number, dimensions and length.

    ``magic`` is 2049 for labels (1-D) or 2051 for images (3-D, 28×28 each).
    """
    ndim = magic - 2048
    header = 4 + 4 * ndim
    found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
    if found is not None and found != magic:
        code = "mnist_not_labels" if magic == LABELS_MAGIC else "mnist_not_images"
        raise MnistFileError(code, name=name, found=found, expected=magic)
    if len(raw) < header:
        raise MnistFileError("mnist_header_truncated", name=name, size=len(raw), header=header)
    dims = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if magic == IMAGES_MAGIC and dims[1:] != (28, 28):
        raise MnistFileError("mnist_wrong_image_size", name=name, height=dims[1], width=dims[2])
    if min(dims) == 0:
        raise MnistFileError("mnist_empty", name=name, dims=str(dims))
    expected = header + int(np.prod(dims, dtype=np.int64))
    if len(raw) < expected:
        raise MnistFileError("mnist_truncated", name=name, size=len(raw), expected=expected)
    if len(raw) > expected:
        raise MnistFileError("mnist_extra_bytes", name=name, extra=len(raw) - expected)
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode uint8 labels ``(N,)`` or images ``(N, 28, 28)`` as IDX (the inverse of :func:`read_idx`)."""
    array = np.asarray(array)
    if array.dtype != np.uint8 or array.ndim not in (1, 3):
        raise CnnvizError("mnist_idx_array", dtype=str(array.dtype), shape=str(array.shape))
    magic = LABELS_MAGIC if array.ndim == 1 else IMAGES_MAGIC
    header = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + np.ascontiguousarray(array).tobytes()


def gunzip(source: bytes | Path, name: str, limit: int = MAX_IDX_BYTES) -> bytes:
    """Decompress gzip bytes or a ``.gz`` file, streamed: refused as soon as it passes ``limit`` bytes."""
    try:
        with (open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)) as raw, \
                gzip.GzipFile(fileobj=raw) as stream:
            out = stream.read(limit + 1)  # decompresses at most limit + 1 bytes, whatever the file claims
    except EOFError:
        raise MnistFileError("mnist_gzip_truncated", name=name) from None
    except (gzip.BadGzipFile, zlib.error):
        raise MnistFileError("mnist_not_gzip", name=name) from None
    if len(out) > limit:
        raise MnistFileError("mnist_too_large", name=name, limit=limit)
    return out


def pair_from_idx(images_raw: bytes, labels_raw: bytes, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Images and labels from decompressed IDX bytes, checked against each other."""
    images = read_idx(images_raw, IMAGES_MAGIC, names[0])
    labels = read_idx(labels_raw, LABELS_MAGIC, names[1])
    if len(images) != len(labels):
        raise MnistFileError("mnist_count_mismatch", images_name=names[0], images=len(images),
                             labels_name=names[1], labels=len(labels))
    if labels.max() > 9:
        raise MnistFileError("mnist_bad_label", name=names[1], label=int(labels.max()))
    return images, labels


# ---------------------------------------------------------------------------- bundled subset
def bundled_paths(split: str) -> tuple[Path, Path]:
    split = _check_split(split)
    stem = "train" if split == "train" else "t10k"
    return (BUNDLED_DIR / f"{BUNDLED_PREFIX}{stem}-images-idx3-ubyte.gz",
            BUNDLED_DIR / f"{BUNDLED_PREFIX}{stem}-labels-idx1-ubyte.gz")


def load_bundled(split: str = "train") -> MnistData:
    """The bundled subset: 4,500 training or 500 test images, 10 % of each digit in the test split."""
    return MnistData(*read_idx_files(*bundled_paths(split)), split, "bundled")


# ---------------------------------------------------------------------------- cache
def default_data_dir() -> Path:
    """``$CNNVIZ_DATA_DIR``, else the platform's user cache folder + ``cnnviz/mnist``."""
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cnnviz" / "mnist"


def _dir(data_dir) -> Path:
    return Path(data_dir).expanduser() if data_dir is not None else default_data_dir()


def full_mnist_cached(split: str | None = None, data_dir=None, files=MNIST_FILES) -> bool:
    """Are the full-MNIST files of ``split`` (``None``: both splits) in the cache?

    A quick look at the files; their contents are verified when loaded.
    """
    splits = SPLITS if split is None else (_check_split(split),)
    folder = _dir(data_dir)
    return all((folder / f"{f.name}.gz").is_file() for s in splits for f in files[s])


def _read_verified(path: Path, spec: IdxFile) -> bytes:
    """The decompressed content of a cached/downloaded ``.gz``, if it is exactly the expected file.

    Streamed: decompression stops past ``spec.size`` bytes, before the checksum is computed.
    """
    raw = gunzip(path, path.name, spec.size)
    if len(raw) != spec.size or hashlib.sha256(raw).hexdigest() != spec.sha256:
        raise MnistFileError("mnist_checksum", name=path.name, official=spec.name)
    return raw


def read_idx_files(images_path, labels_path) -> tuple[np.ndarray, np.ndarray]:
    """Images and labels from a pair of IDX files (``.gz`` or not), structure-checked (no checksum)."""
    raw = []
    for path in map(Path, (images_path, labels_path)):
        if path.suffix == ".gz":
            raw.append(gunzip(path, path.name))
            continue
        with path.open("rb") as f:
            data = f.read(MAX_IDX_BYTES + 1)
        if len(data) > MAX_IDX_BYTES:
            raise MnistFileError("mnist_too_large", name=path.name, limit=MAX_IDX_BYTES)
        raw.append(data)
    return pair_from_idx(raw[0], raw[1], (Path(images_path).name, Path(labels_path).name))


def _load_cached(split: str, folder: Path, files) -> tuple[np.ndarray, np.ndarray]:
    specs = files[split]
    raw = [_read_verified(folder / f"{spec.name}.gz", spec) for spec in specs]
    return pair_from_idx(raw[0], raw[1], (specs[0].name, specs[1].name))


# ---------------------------------------------------------------------------- download
def _fetch(url: str, target: Path, spec: IdxFile, timeout: float, report: Callable[[int, int | None], None]) -> None:
    """Stream ``url`` into a temporary file beside ``target``, verify it, then rename it into place."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            done = 0
            report(done, total)
            while chunk := response.read(CHUNK):
                out.write(chunk)
                done += len(chunk)
                report(done, total)
        if total is not None and done != total:
            raise MnistFileError("mnist_incomplete_download", name=target.name, done=done, total=total)
        _read_verified(tmp, spec)
        os.replace(tmp, target)  # atomic: the cache never holds a half-written file
    finally:
        tmp.unlink(missing_ok=True)


def download_mnist(split: str | None = None, data_dir=None, progress: Callable[[DownloadProgress], None] | None = None,
                   timeout: float = 30.0, mirrors: Sequence[str] = MIRRORS, files=MNIST_FILES) -> Path:
    """Make sure the cache holds verified full-MNIST files for ``split`` (``None``: both); return the folder.

    Files already cached and intact are kept; missing or corrupt ones are fetched from the first
    mirror that delivers a verified copy. ``timeout`` is the seconds to wait for a connection or
    for the next piece of data before trying the next mirror. ``progress`` receives a
    :class:`DownloadProgress` after every chunk. Raises :class:`MnistDownloadError` naming what
    went wrong at each mirror.
    """
    splits = SPLITS if split is None else (_check_split(split),)
    if not mirrors:
        raise CnnvizError("mnist_no_mirrors")
    folder = _dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    todo = []
    for spec in (f for s in splits for f in files[s]):
        path = folder / f"{spec.name}.gz"
        try:
            _read_verified(path, spec)
        except (OSError, MnistFileError):
            todo.append(spec)
    for index, spec in enumerate(todo, start=1):
        name = f"{spec.name}.gz"

        def report(done, total, name=name, index=index):
            if progress is not None:
                progress(DownloadProgress(name, done, total, index, len(todo)))

        failures = []
        for mirror in mirrors:
            url = mirror.rstrip("/") + "/" + name
            try:
                _fetch(url, folder / name, spec, timeout, report)
                break
            except (OSError, http.client.HTTPException, MnistFileError, ValueError) as err:  # URLError, timeouts: OSError
                failures.append(f"{url}: {_describe(err)}")
        else:
            raise MnistDownloadError(f"could not download {name}: " + "; ".join(failures))
    return folder


def _describe(err: Exception) -> str:
    """One mirror's failure in the app's own words (no library message: they name sockets and errnos)."""
    if isinstance(err, TimeoutError) or "timed out" in str(err):
        return "timed out"
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code}"
    if isinstance(err, urllib.error.URLError):
        return "unreachable"
    if isinstance(err, http.client.IncompleteRead):
        return f"the connection broke after {len(err.partial)} bytes"
    return str(err) if isinstance(err, CnnvizError) else "the transfer failed"


# ---------------------------------------------------------------------------- the one entry point
def load_mnist(split: str = "train", source: str = "auto", data_dir=None,
               progress: Callable[[DownloadProgress], None] | None = None, timeout: float = 30.0, *,
               mirrors: Sequence[str] = MIRRORS, files=MNIST_FILES) -> MnistData:
    """One split of MNIST as :class:`MnistData` (unpacks to ``images, labels``).

    ``split``: ``"train"`` or ``"test"``. ``source``: ``"bundled"``, ``"download"`` (the cache, else
    a download; errors propagate) or ``"auto"`` (cache → download → bundled; ``fallback_reason``
    tells why it fell back). ``data_dir`` overrides the cache folder; ``progress`` and ``timeout``
    go to :func:`download_mnist`.
    """
    split = _check_split(split)
    if source not in SOURCES:
        raise CnnvizError("mnist_bad_source", expected=", ".join(SOURCES), source=repr(source))
    if source == "bundled":
        return load_bundled(split)
    folder = _dir(data_dir)
    if full_mnist_cached(split, folder, files):
        try:
            return MnistData(*_load_cached(split, folder, files), split, "cache")
        except (OSError, MnistFileError):
            pass  # corrupt or unreadable: fetch it again below
    try:
        download_mnist(split, folder, progress, timeout, mirrors, files)
        return MnistData(*_load_cached(split, folder, files), split, "download")
    except (OSError, MnistFileError) as err:
        if source == "download":
            raise
        return MnistData(*load_bundled(split), split, "bundled", fallback_reason=str(err))


def _check_split(split) -> str:
    if split not in SPLITS:
        raise CnnvizError("mnist_bad_split", split=repr(split))
    return split
