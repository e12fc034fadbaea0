"""A font with Hangul for server-drawn images, found at run time.

Order: a font bundled under ``cnnviz/fonts/`` (none is shipped today), then Debian's ``fonts-noto-cjk``
(Noto Sans CJK KR) and ``fonts-nanum`` (NanumGothic), then Pillow's default font, which has no Hangul:
Korean text then draws as boxes, so :func:`font_source` says which one was found.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

BUNDLED = Path(__file__).resolve().parent.parent / "fonts"
NOTO, NANUM = "/usr/share/fonts/opentype/noto/", "/usr/share/fonts/truetype/nanum/"
SYSTEM = (  # (regular, bold, face index inside a .ttc collection: 1 is Korean in Noto Sans CJK)
    (NOTO + "NotoSansCJK-Regular.ttc", NOTO + "NotoSansCJK-Bold.ttc", 1),
    (NANUM + "NanumGothic.ttf", NANUM + "NanumGothicBold.ttf", 0),
)


@dataclass(frozen=True)
class FontSource:
    regular: str | None  # file path; None: Pillow's default font
    bold: str | None
    index: int = 0

    @property
    def name(self) -> str:
        return Path(self.regular).name if self.regular else "Pillow default (no Hangul)"


@functools.cache
def font_source() -> FontSource:
    """The first usable font of the search order above."""
    bundled = sorted(p for p in BUNDLED.glob("*") if p.suffix.lower() in (".ttf", ".otf", ".ttc"))
    if bundled:
        return FontSource(str(bundled[0]), str(bundled[-1]) if len(bundled) > 1 else str(bundled[0]))
    for regular, bold, index in SYSTEM:
        if Path(regular).exists():
            return FontSource(regular, bold if Path(bold).exists() else regular, index)
    return FontSource(None, None)


@functools.lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The found font at ``size`` pixels."""
    source = font_source()
    path = source.bold if bold else source.regular
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size, index=source.index)
