r"""Reading a ``.npz`` weights file that may be hostile: every size decided before anything is unpacked.

A ``.npz`` is a ZIP of ``.npy`` members. Only the members the network needs are read, one at a time:
each member's ZIP entry (encryption, compression method, declared size) and its ``.npy`` header
(dtype, shape, order) are checked against what the network expects *before* its data is decompressed,
and exactly the expected number of bytes is then read. So a 1 MB file can no longer unpack to 1 GB,
a header declaring 1 TiB allocates nothing, and pickles are never touched. Every failure is a
:class:`cnnviz.errors.CnnvizError` (``weights_*``) — no zipfile, zlib, numpy or tokenize message
reaches a student.
"""
from __future__ import annotations

import ast
import io
import os
import zipfile
import zlib
from typing import BinaryIO, Callable, Mapping

import numpy as np

from ..errors import CnnvizError

MAX_FILE_BYTES = 8 * 2**20  # a LeNet's weights are ~0.2 MB (float32) or ~0.5 MB (float64)
MAX_HEADER_BYTES = 4096  # numpy writes ~128-byte headers
MAX_VARIANT_CHARS = 64
MAX_MEMBERS = 64  # a LeNet file has 10 parameter arrays + 2 descriptions; zipfile parses every entry in Python
FLOAT_DTYPES = ("<f2", "<f4", "<f8", ">f2", ">f4", ">f8")
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def read_bytes(file: str | os.PathLike | BinaryIO | bytes, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing more than ``limit`` (a path, a binary file object, or bytes)."""
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
    elif isinstance(file, (str, os.PathLike)):
        try:
            with open(file, "rb") as f:
                data = f.read(limit + 1)
        except OSError:
            raise CnnvizError("weights_unreadable") from None
    else:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise CnnvizError("weights_too_big_file", limit=limit // 2**20)
    return data


def _header(stream, name: str) -> dict:
    """The ``.npy`` header dict of one member, parsed as a literal (never evaluated, never tokenized)."""
    start = stream.read(10)
    if len(start) < 10 or start[:6] != b"\x93NUMPY" or start[6] not in (1, 2, 3):
        raise CnnvizError("weights_bad_member", name=name)
    if start[6] == 1:
        length = int.from_bytes(start[8:10], "little")
    else:
        length = int.from_bytes(start[8:10] + stream.read(2), "little")
    if length > MAX_HEADER_BYTES:
        raise CnnvizError("weights_bad_member", name=name)
    text = stream.read(length)
    try:
        header = ast.literal_eval(text.decode("latin1"))
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        raise CnnvizError("weights_bad_member", name=name) from None
    if not isinstance(header, dict) or set(header) != {"descr", "fortran_order", "shape"} \
            or not isinstance(header["shape"], tuple) or not all(type(d) is int and d >= 0 for d in header["shape"]) \
            or not isinstance(header["descr"], str) or not isinstance(header["fortran_order"], bool):
        raise CnnvizError("weights_bad_member", name=name)
    return header


def read_member(archive: zipfile.ZipFile, name: str, dtypes: tuple[str, ...], shape: tuple[int, ...],
                max_items: int) -> np.ndarray | None:
    """Member ``name + ".npy"`` as an array of one of ``dtypes`` and ``shape``, or None if it is absent.

    The ZIP entry and the ``.npy`` header are checked first; then exactly the bytes the header promises
    are decompressed (at most ``max_items`` items).
    """
    try:
        info = archive.getinfo(f"{name}.npy")
    except KeyError:
        return None
    if info.flag_bits & 0x1:
        raise CnnvizError("weights_encrypted", name=name)
    if info.compress_type not in _METHODS:
        raise CnnvizError("weights_compression", name=name)
    try:
        with archive.open(info) as stream:
            header = _header(stream, name)
            descr, dims = header["descr"], header["shape"]
            weights = dtypes == FLOAT_DTYPES  # else the entries that describe the file: wrong is just wrong
            if descr not in dtypes:  # a pickle ('|O') is refused here, before any byte of it is read
                raise CnnvizError("weights_wrong_dtype", name=name, dtype=descr) if weights else \
                    CnnvizError("weights_bad_member", name=name)
            if dims != shape:
                raise CnnvizError("weights_wrong_shape", name=name, found=str(dims), expected=str(shape)) \
                    if weights else CnnvizError("weights_bad_member", name=name)
            count = 1
            for d in dims:
                count *= d
            if count > max_items:
                raise CnnvizError("weights_member_too_big", name=name)
            dtype = np.dtype(descr)
            size = count * dtype.itemsize
            if size > info.file_size:  # the entry itself says it holds less than the header promises
                raise CnnvizError("weights_damaged")
            raw = stream.read(size)
    except CnnvizError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise CnnvizError("weights_damaged") from None
    if len(raw) != size:
        raise CnnvizError("weights_damaged")
    order = "F" if header["fortran_order"] else "C"
    return np.frombuffer(raw, dtype=dtype).reshape(dims, order=order)


def read_weights(file, needs: Callable[[str], Mapping[str, tuple[int, ...]]], format_version: int
                 ) -> tuple[str, dict[str, np.ndarray]]:
    """``(variant, {name: array})`` from a ``.npz`` written by :meth:`cnnviz.nn.Model.save`.

    ``needs(variant)`` names the parameters and their shapes (and raises for an unknown variant);
    only those members are read. Arrays are read-only views of the decompressed bytes.
    """
    data = read_bytes(file)
    if data.startswith(b"\x93NUMPY"):
        raise CnnvizError("weights_single_array")
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))  # end of central directory: the entry count
    if end >= 0 and int.from_bytes(data[end + 10: end + 12], "little") > MAX_MEMBERS:
        raise CnnvizError("weights_too_many_members", limit=MAX_MEMBERS)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise CnnvizError("weights_not_npz") from None
    with archive:
        version = read_member(archive, "cnnviz_format", ("<i8", "<i4", "<u8", "<u4", "|u1", "|i1"), (), 1)
        variant = read_member(archive, "variant", tuple(f"<U{n}" for n in range(1, MAX_VARIANT_CHARS + 1)), (), 1)
        if version is None or variant is None:
            raise CnnvizError("weights_not_cnnviz")
        if int(version) != format_version:
            raise CnnvizError("weights_other_format", found=int(version), expected=format_version)
        variant = str(variant[()])
        shapes = needs(variant)
        arrays = {}
        for name, shape in shapes.items():
            count = int(np.prod(shape, dtype=np.int64))
            arrays[name] = read_member(archive, name, FLOAT_DTYPES, tuple(shape), count)
    missing = sorted(name for name, value in arrays.items() if value is None)
    if missing:
        raise CnnvizError("weights_missing", names=", ".join(missing), variant=variant)
    return variant, arrays
