"""Hostile inputs built in memory, small and fast: files whose headers promise far more than they hold.

Shared by the regression tests (tests/test_hostile_*.py) and bench/hostile_inputs.py. Written from the
file formats' specifications (PNG, TIFF 6.0, WebP container, RFC 1952 gzip, NPY/ZIP); nothing here
imports cnnviz.
"""
from __future__ import annotations

import gzip
import io
import struct
import zlib

import numpy as np


# ------------------------------------------------------------------------------ PNG
def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, colour_type: int = 0, bit_depth: int = 8, extra: bytes = b"",
        rows: int = 0) -> bytes:
    """A PNG whose header claims ``width × height``; ``rows`` real (zero) rows are compressed into it,
    streamed so that building a tall image never holds its pixels."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    row = b"\0" * (1 + -(-width * channels * bit_depth // 8))  # filter byte + whole bytes per row
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(rows)) + packer.compress(b"\0" * 64) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra + png_chunk(b"IDAT", body)
            + png_chunk(b"IEND", b""))


def palette_png_with_transparency(width: int, height: int, rows: int = 0) -> bytes:
    """Colour type 3 with PLTE and a tRNS alpha per palette entry."""
    plte = png_chunk(b"PLTE", bytes(range(256)) * 3)
    trns = png_chunk(b"tRNS", bytes(range(256)))
    return png(width, height, 3, 8, plte + trns, rows)


def png_with_text_bomb(size: int = 2 * 2**20) -> bytes:
    """A small valid PNG with a zTXt chunk that decompresses to ``size`` bytes."""
    ztxt = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"a" * size, 9))
    return png(8, 8, 0, 8, ztxt, rows=8)


# ------------------------------------------------------------------------------ WebP
def webp_claiming(width: int, height: int, lossless: bool = True, alpha: bool = True) -> bytes:
    """A RIFF/WebP of a few dozen bytes whose VP8L (or VP8) header claims ``width × height``."""
    if lossless:
        bits = (width - 1) | (height - 1) << 14 | int(alpha) << 28
        chunk = b"VP8L" + struct.pack("<I", 5) + b"\x2f" + struct.pack("<I", bits) + b"\0"
    else:
        frame = b"\x9d\x01\x2a" + struct.pack("<HH", width, height)
        payload = b"\x10\x02\0" + frame
        chunk = b"VP8 " + struct.pack("<I", len(payload)) + payload
    body = b"WEBP" + chunk
    return b"RIFF" + struct.pack("<I", len(body)) + body


# ------------------------------------------------------------------------------ TIFF
def _ifd(entries: list[tuple[int, int, int, int]], next_offset: int) -> bytes:
    """Little-endian IFD: (tag, type, count, value) with values that fit in 4 bytes."""
    out = struct.pack("<H", len(entries))
    for tag, kind, count, value in sorted(entries):
        out += struct.pack("<HHII", tag, kind, count, value) if kind == 4 else \
            struct.pack("<HHIHH", tag, kind, count, value, 0)
    return out + struct.pack("<I", next_offset)


def tiff(width: int, height: int, bits: int = 8, sample_format: int = 1, pages: int = 1, real: bool = False) -> bytes:
    """A grey TIFF claiming ``width × height`` per page (``sample_format`` 3 = IEEE float), ``pages`` pages
    chained one after another, all pointing at the same pixel data: 16 bytes, or with ``real`` one
    deflate-compressed strip of zeros holding every pixel (streamed, so a big one is cheap to build)."""
    data_offset = 8
    compression = 1
    pixels = b"\0" * 16
    if real:
        compression, packer = 8, zlib.compressobj(9)
        row = b"\0" * (width * bits // 8)
        pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    first_ifd = data_offset + len(pixels)
    first_ifd += first_ifd % 2  # IFDs start on a word boundary
    pixels += b"\0" * (first_ifd - data_offset - len(pixels))
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, bits), (259, 3, 1, compression), (262, 3, 1, 1),
               (273, 4, 1, data_offset), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, len(pixels)),
               (339, 3, 1, sample_format)]
    size = len(_ifd(entries, 0))
    ifds = b"".join(_ifd(entries, first_ifd + (i + 1) * size if i + 1 < pages else 0) for i in range(pages))
    return b"II*\0" + struct.pack("<I", first_ifd) + pixels + ifds


# ------------------------------------------------------------------------------ gzip
def gzip_bomb(size: int, chunk: int = 1 << 20) -> bytes:
    """A gzip member that decompresses to ``size`` zero bytes (≈ size / 1000 on disk)."""
    out = io.BytesIO()
    block = b"\0" * chunk
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as f:
        for start in range(0, size, chunk):
            f.write(block[: min(chunk, size - start)])
    return out.getvalue()


# ------------------------------------------------------------------------------ .npy / .npz
def npy_header(descr: str, shape: tuple, fortran: bool = False, raw: str | None = None) -> bytes:
    """An NPY v1.0 header (magic, length, the header dict) — ``raw`` replaces the dict text verbatim."""
    text = raw if raw is not None else f"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape!r}, }}"
    text = text + " " * ((64 - (10 + len(text) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")


def npy(array: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.save(out, array, allow_pickle=False)
    return out.getvalue()


def tiff_nan(side: int = 16) -> bytes:
    """A float TIFF with one NaN and one infinite pixel among ordinary values."""
    from PIL import Image

    a = np.linspace(0, 1, side * side, dtype=np.float32).reshape(side, side)
    a[3, 4], a[5, 6] = np.nan, np.inf
    out = io.BytesIO()
    Image.fromarray(a, "F").save(out, "TIFF")
    return out.getvalue()


def gif_with_tiny_blocks(blocks: int = 5_000_000) -> bytes:
    """An 8×8 GIF whose comment extension is ``blocks`` sub-blocks of one byte each (2 bytes per block):
    Pillow walks extension blocks in Python while it opens the file."""
    header = b"GIF89a" + struct.pack("<HHBBB", 8, 8, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"  # 2-colour table
    comment = b"\x21\xfe" + b"\x01a" * blocks + b"\0"
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, 8, 8, 0) + b"\x02\x02\x44\x01\x00"  # a tiny LZW stream
    return header + comment + image + b"\x3b"


def tiff_with_strips(strips: int) -> bytes:
    """A 16×16 grey TIFF whose StripOffsets and StripByteCounts list ``strips`` entries (4 bytes each)."""
    data_offset = 8
    table = struct.pack("<I", 8) * strips
    ifd_offset = data_offset + len(table)
    entries = [(256, 3, 1, 16), (257, 3, 1, 16), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, strips, data_offset), (277, 3, 1, 1), (278, 3, 1, 1), (279, 4, strips, data_offset)]
    return b"II*\0" + struct.pack("<I", ifd_offset) + table + _ifd(entries, 0)


def png_with_chunks(count: int) -> bytes:
    """A valid 8×8 PNG preceded by ``count`` empty unknown ancillary chunks (12 bytes each)."""
    return png(8, 8, 0, extra=png_chunk(b"zzZz", b"") * count, rows=8)


def jpeg_with_comments(count: int) -> bytes:
    """A valid 8×8 JPEG with ``count`` empty COM markers (4 bytes each) after its start marker."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(out, "JPEG")
    data = out.getvalue()
    return data[:2] + b"\xff\xfe\x00\x02" * count + data[2:]


def bmp_rle8(width: int, rows: int) -> bytes:
    """An 8-bit run-length BMP of ``width`` × ``rows`` whose every run is one pixel long (2 bytes a pixel)."""
    pixels = (b"\x01\x07" * width + b"\x00\x00") * rows + b"\x00\x01"
    palette = b"".join(bytes((i, i, i, 0)) for i in range(256))  # grey: index i is level i
    offset = 14 + 40 + len(palette)
    header = b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset)
    info = struct.pack("<IiiHHIIiiII", 40, width, rows, 1, 8, 1, len(pixels), 2835, 2835, 256, 0)
    return header + info + palette + pixels
