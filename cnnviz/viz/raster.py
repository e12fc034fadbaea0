"""The GIF renderer of the frame model: Pillow draws each :class:`~cnnviz.viz.frames.Frame` at
1280×720 (or 1920×1080) with its step, its grids, the highlights and the equation; frames go into an
animated GIF whose delay is the player's. Built on demand only (the page calls it on a click).
"""
from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from ..locales import t
from ..trace import format_number
from . import palette
from .fonts import font
from .frames import Animation, Frame

SIZES = {"720p": (1280, 720), "1080p": (1920, 1080)}
MIN_CELL_TEXT_PX = 24  # numbers on cells are at least this tall when the cell allows it


@dataclass(frozen=True)
class Layout:
    """Where the board lands on an image: cell size and the board's top-left corner, in pixels."""

    width: int
    height: int
    cell: float
    left: float
    top: float
    scale: float  # 1 at 720 pixels high

    @classmethod
    def fit(cls, animation: Animation, width: int, height: int) -> "Layout":
        s = height / 720
        top, bottom, side = 70 * s, 150 * s, 40 * s  # step line above; equation and caption below
        board_w, board_h = animation.size
        cell = min((width - 2 * side) / board_w, (height - top - bottom) / board_h, 120 * s)
        return cls(width, height, cell, (width - cell * board_w) / 2, top, s)

    def cell_box(self, animation: Animation, grid: int, r: int, c: int) -> tuple[int, int, int, int]:
        """Pixel box ``(x0, y0, x1, y1)`` of cell ``(r, c)`` of grid ``grid`` (inclusive corners)."""
        g = animation.grids[grid]
        x0 = self.left + (g.x + c) * self.cell
        y0 = self.top + (g.y + r) * self.cell
        return int(round(x0)), int(round(y0)), int(round(x0 + self.cell)) - 1, int(round(y0 + self.cell)) - 1


def _number_size(texts, cell: float, cap: float) -> int:
    """Pixel size of cell numbers: as large as lets the longest of ``texts`` fit a ``cell``-pixel cell."""
    longest = max((len(s) for s in texts), default=1)
    return int(max(10, min(cap, 0.42 * cell, (cell - 8) / (0.58 * max(longest, 1)))))


@functools.lru_cache(maxsize=4096)
def _label(text: str, size: int, bold: bool, colour: str) -> tuple[Image.Image, int, int]:
    """``text`` drawn once on transparency, and the offset of its box from its centre point: cell
    numbers repeat from frame to frame, and drawing glyphs is the slow part of a frame."""
    f = font(size, bold)
    x0, y0, x1, y1 = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=f, anchor="mm")
    tile = Image.new("RGBA", (max(1, x1 - x0), max(1, y1 - y0)), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((-x0, -y0), text, fill=colour, font=f, anchor="mm")
    return tile, x0, y0


def _centred(image: Image.Image, xy, text: str, size: int, colour: str, bold: bool = False) -> None:
    tile, dx, dy = _label(text, size, bold, colour)
    image.paste(tile, (int(round(xy[0])) + dx, int(round(xy[1])) + dy), tile)


def _hatch(size: int, step: int) -> Image.Image:
    """A square of diagonal grey lines on transparency: the mark of cells no window reaches."""
    tile = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tile)
    for k in range(0, 2 * size, step):
        draw.line((k, 0, k - size, size), fill=palette.UNREACHED, width=2)
    return tile


def _dashed(draw: ImageDraw.ImageDraw, box, colour, width: int, dash: int) -> None:
    """A dashed outline drawn inside ``box`` (as ``rectangle(outline=…)`` draws a solid one)."""
    x0, y0, x1, y1 = box
    for p in range(x0, x1 + 1, 2 * dash):
        q = min(p + dash - 1, x1)
        draw.rectangle((p, y0, q, y0 + width - 1), fill=colour)
        draw.rectangle((p, y1 - width + 1, q, y1), fill=colour)
    for p in range(y0, y1 + 1, 2 * dash):
        q = min(p + dash - 1, y1)
        draw.rectangle((x0, p, x0 + width - 1, q), fill=colour)
        draw.rectangle((x1 - width + 1, p, x1, q), fill=colour)


class _Painter:
    """Draws one animation's frames; the parts that never change are drawn once."""

    def __init__(self, animation: Animation, width: int, height: int):
        self.a = animation
        self.layout = Layout.fit(animation, width, height)
        s = self.layout.scale
        self.line = max(2, int(round(4 * s)))
        self.bounds = [palette.bounds(animation, g) for g in range(len(animation.grids))]
        changing = {g for f in animation.frames for g, _ in f.updates}
        changing |= {n for n, g in enumerate(animation.grids) if g.reveal is not None}
        self.changing = changing
        texts = [t for g in animation.grids for t in self._texts(g.values)]
        texts += [t for f in animation.frames for _, v in f.updates for t in self._texts(v)]
        self.number_size = _number_size(texts, self.layout.cell, 40 * s)
        products = [p for f in animation.frames for *_, p in f.products]
        self.product_size = _number_size(texts + products, self.layout.cell, 0.7 * self.number_size)
        self.hatch = _hatch(int(self.layout.cell) + 2, max(6, int(self.layout.cell / 5)))
        self.base = Image.new("RGB", (width, height), palette.BACKGROUND)
        draw = ImageDraw.Draw(self.base)
        title_font = font(int(min(26 * s, max(14, 0.45 * self.layout.cell))), bold=True)
        for n, g in enumerate(animation.grids):
            x0, y0, x1, _ = self.layout.cell_box(animation, n, 0, 0)
            right = self.layout.cell_box(animation, n, 0, g.shape[1] - 1)[2]
            draw.text(((x0 + right) / 2, y0 - 0.15 * self.layout.cell), g.title, fill=palette.TEXT,
                      font=title_font, anchor="md")
            if n not in changing:
                self._grid(self.base, n, g.values)
        draw.text((width / 2, height - 18 * s), animation.caption, fill=palette.PADDING_TEXT,
                  font=font(int(20 * s)), anchor="md")

    @staticmethod
    def _texts(values) -> list[str]:
        return [format_number(v) for v in np.ravel(values) if np.isfinite(v)]

    def _grid(self, image: Image.Image, n: int, values: np.ndarray, products: dict | None = None) -> None:
        """Draw grid ``n`` with ``values``; cells in ``products`` ``{(r, c): text}`` show the product too."""
        draw = ImageDraw.Draw(image)
        g = self.a.grids[n]
        rgb = palette.fills(values, *self.bounds[n])
        white = palette.text_colours(rgb)
        gap = max(1, int(round(2 * self.layout.scale)))
        cells = products.keys() if products is not None else np.ndindex(*g.shape)
        for r, c in cells:
            x0, y0, x1, y1 = self.layout.cell_box(self.a, n, r, c)
            box = (x0 + gap, y0 + gap, x1 - gap, y1 - gap)
            if g.padding[r, c]:
                draw.rectangle(box, fill=palette.PADDING)
                colour = palette.PADDING_TEXT
            else:
                draw.rectangle(box, fill=tuple(int(q) for q in rgb[r, c]))
                colour = palette.TEXT_ON_DARK if white[r, c] else palette.TEXT
            if g.unreached[r, c]:
                tile = self.hatch.crop((0, 0, box[2] - box[0] + 1, box[3] - box[1] + 1))
                image.paste(tile, box[:2], tile)
            centre, middle = (x0 + x1) / 2, (y0 + y1) / 2
            if products is not None:  # the value moves up; the product sits on a white tag below it
                middle = y0 + 0.34 * (y1 - y0)
                text = products[(r, c)]
                below = (centre, y0 + 0.74 * (y1 - y0))
                tile, dx, dy = _label(text, self.product_size, False, palette.TEXT)
                left, top = int(round(below[0])) + dx, int(round(below[1])) + dy
                draw.rectangle((left - 3, top - 2, left + tile.width + 2, top + tile.height + 1),
                               fill=palette.BACKGROUND)
                _centred(image, below, text, self.product_size, palette.TEXT)
            if np.isfinite(values[r, c]):
                size = self.product_size if products is not None else self.number_size
                _centred(image, (centre, middle), format_number(values[r, c]), size, colour)

    def frame(self, n: int) -> Image.Image:
        """Frame ``n`` as an RGB image."""
        f: Frame = self.a.frames[n]
        image = self.base.copy()
        draw = ImageDraw.Draw(image)
        s = self.layout.scale
        for g in sorted(self.changing):
            self._grid(image, g, self.a.values_at(n, g))
        by_grid: dict[int, dict] = {}
        for g, r, c, p in f.products:
            by_grid.setdefault(g, {})[(r, c)] = p
        for g, products in by_grid.items():
            self._grid(image, g, self.a.values_at(n, g), products)
        window_colour, _ = palette.HIGHLIGHTS["window"]
        for g, cells in f.window:
            for r, c in cells:
                draw.rectangle(self.layout.cell_box(self.a, g, r, c), outline=window_colour, width=self.line)
        if f.winner is not None:
            colour, _ = palette.HIGHLIGHTS["winner"]
            x0, y0, x1, y1 = self.layout.cell_box(self.a, *f.winner)
            outer, inner = self.line, int(2.5 * self.line)  # a double outline: the cue besides colour
            draw.rectangle((x0 + outer, y0 + outer, x1 - outer, y1 - outer), outline=colour, width=self.line)
            draw.rectangle((x0 + inner, y0 + inner, x1 - inner, y1 - inner), outline=colour,
                           width=max(1, self.line // 2))
        colour, _ = palette.HIGHLIGHTS["output"]
        _dashed(draw, self.layout.cell_box(self.a, *f.output), colour, self.line + 1, max(4, int(self.layout.cell / 6)))
        draw.text((self.layout.left, 20 * s), t("player.step", self.a.lang, n=f.number, total=len(self.a.frames)),
                  fill=palette.TEXT, font=font(int(30 * s), bold=True), anchor="lt")
        self._equation(draw, f.equation)
        return image

    def _equation(self, draw: ImageDraw.ImageDraw, text: str) -> None:
        s = self.layout.scale
        width, height = self.layout.width - 80 * s, self.layout.height
        for size in (30, 26, 22, 19, 16):
            eq_font = font(int(size * s))
            lines = _wrap(text, eq_font, width)
            if len(lines) * size * 1.25 * s <= 105 * s:
                break
        y = height - 140 * s
        for line in lines:
            draw.text((self.layout.width / 2, y), line, fill=palette.TEXT, font=eq_font, anchor="mt")
            y += size * 1.25 * s


def _wrap(text: str, eq_font, width: float) -> list[str]:
    """Break an equation after its ``+`` signs so each line fits ``width`` pixels."""
    terms = text.split(" + ")
    lines, current = [], terms[0]
    for term in terms[1:]:
        candidate = f"{current} + {term}"
        if eq_font.getlength(candidate) <= width:
            current = candidate
        else:
            lines.append(current + " +")
            current = term
    return lines + [current]


def render_frames(animation: Animation, size: str = "720p") -> list[Image.Image]:
    """Every frame as an RGB image of ``SIZES[size]``."""
    painter = _Painter(animation, *SIZES[size])
    return [painter.frame(n) for n in range(len(animation.frames))]


def _gif_palette() -> Image.Image:
    colours = palette.all_colours()
    greys = [(v, v, v) for v in range(0, 256, 8)]
    mixes = [tuple(int(a + (b - a) * k / 4) for a, b in zip(palette._rgb(palette.TEXT), palette._rgb(hl)))
             for hl, _ in palette.HIGHLIGHTS.values() for k in range(1, 4)]
    chosen = list(dict.fromkeys(colours + greys + mixes))[:256]
    flat = [v for rgb in chosen for v in rgb]
    image = Image.new("P", (1, 1))
    image.putpalette(flat + [0] * (768 - len(flat)))
    return image


def gif_bytes(animation: Animation, delay_ms: int, size: str = "720p") -> bytes:
    """An animated GIF (looping) of every frame, ``delay_ms`` per frame (GIF counts in 10 ms)."""
    pal = _gif_palette()
    frames = [im.quantize(palette=pal, dither=Image.Dither.NONE) for im in render_frames(animation, size)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=delay_ms, loop=0)
    return buffer.getvalue()
