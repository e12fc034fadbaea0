"""What an image file's header and structure promise, read from its bytes alone — before Pillow sees them.

Pillow allocates some canvases as it opens a file (WebP) and walks some structures one piece at a time
in Python while holding the interpreter (GIF sub-blocks, PNG chunks, JPEG markers, TIFF directories and
strips): these scans, quick and bounded by a ``budget``, let :mod:`cnnviz.images` refuse a hostile file
before that work starts. Written from the format specifications (WebP container, GIF89a, PNG, JPEG,
TIFF 6.0 and BigTIFF); pure Python, no Pillow.
"""
from __future__ import annotations

import struct


def webp_size(data: bytes) -> tuple[int, int, str] | None:
    """``(width, height, mode)`` from a WebP header (VP8, VP8L or VP8X chunk), without decoding anything.

    Pillow's WebP reader allocates the whole canvas when it opens the file, so the size is checked first.
    """
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk, body = data[12:16], data[20:30]
    if len(body) < (5 if chunk == b"VP8L" else 10):
        return None
    if chunk == b"VP8X":
        mode = "RGBA" if body[0] & 0x10 else "RGB"
        return 1 + int.from_bytes(body[4:7], "little"), 1 + int.from_bytes(body[7:10], "little"), mode
    if chunk == b"VP8L" and body[0] == 0x2F:
        bits = int.from_bytes(body[1:5], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF), "RGBA" if bits >> 28 & 1 else "RGB"
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", body[6:10])
        return w & 0x3FFF, h & 0x3FFF, "RGB"
    return None


def png_chunks(data: bytes, budget: int) -> int:
    """Chunks of a PNG, counted from their length fields up to ``budget + 1`` (nothing is decompressed)."""
    pos, count = 8, 0
    while pos + 8 <= len(data) and count <= budget:
        count += 1
        if data[pos + 4: pos + 8] == b"IEND":
            break
        pos += 12 + int.from_bytes(data[pos: pos + 4], "big")
    return count


def jpeg_markers(data: bytes, budget: int) -> int:
    """Markers (and stray bytes, which Pillow steps over one at a time) before a JPEG's first scan,
    counted up to ``budget + 1``."""
    pos, count = 2, 0
    while pos + 4 <= len(data) and count <= budget:
        count += 1
        if data[pos] != 0xFF or data[pos + 1] == 0xFF:  # a stray or fill byte
            pos += 1
            continue
        marker = data[pos + 1]
        if marker == 0xDA:  # start of scan: Pillow stops reading markers here
            break
        pos += 2 if marker in (0x00, 0x01) or 0xD0 <= marker <= 0xD9 else 2 + int.from_bytes(data[pos + 2: pos + 4], "big")
    return count


def tiff_layout(data: bytes, pages: int, max_entries: int) -> tuple[int, int]:
    """``(most entries in a directory, most strips or tiles of a page)`` over a TIFF's first ``pages``
    directories (classic or BigTIFF; a directory of more than ``max_entries`` ends the walk); ``(0, 0)`` where the structure ends early
    (Pillow then reports the damage). Pillow builds a Python object per entry and per strip when it opens."""
    order = "<" if data[:2] == b"II" else ">"
    big = data[2:4] in (b"+\0", b"\0+")
    offset_fmt, count_fmt, entry_size = (order + "Q", order + "Q", 20) if big else (order + "I", order + "H", 12)
    head = 8 if big else 2
    try:
        (offset,) = struct.unpack_from(offset_fmt, data, 8 if big else 4)
        most_entries = most_strips = 0
        seen: set[int] = set()
        for _ in range(pages):
            if not offset or offset in seen:
                break
            seen.add(offset)
            (count,) = struct.unpack_from(count_fmt, data, offset)
            most_entries = max(most_entries, count)
            if count > max_entries:
                break
            for i in range(count):
                at = offset + head + i * entry_size
                tag, _kind = struct.unpack_from(order + "HH", data, at)
                if tag in (273, 279, 324, 325):  # Strip/Tile Offsets and ByteCounts
                    (n,) = struct.unpack_from(offset_fmt, data, at + 4)
                    most_strips = max(most_strips, n)
            (offset,) = struct.unpack_from(offset_fmt, data, offset + head + count * entry_size)
    except struct.error:
        pass
    return most_entries, most_strips


def gif_blocks(data: bytes, budget: int) -> int:
    """Data sub-blocks of a GIF up to its second image descriptor (all Pillow reads before decoding frame 0
    and telling whether it is animated), counted up to ``budget + 1``. Pillow walks them one by one in
    Python while holding the interpreter: a 10 MB comment of 1-byte blocks took it 5 s."""
    flags = data[10] if len(data) > 10 else 0
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    blocks = images = 0
    while pos < len(data):
        kind = data[pos]
        if kind == 0x21:  # extension: introducer, label, then sub-blocks
            pos += 2
        elif kind == 0x2C and images == 0:  # the first image: descriptor, local palette, LZW size, sub-blocks
            images, local = 1, data[pos + 9] if pos + 9 < len(data) else 0
            pos += 11 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
        else:  # the second image, the trailer, or damage: Pillow reads no further (or fails) here
            return blocks
        while pos < len(data) and data[pos]:
            pos += data[pos] + 1
            blocks += 1
            if blocks > budget:
                return blocks
        pos += 1
    return blocks
