"""Edge detection page on a 1-megapixel upload: server time per update and bytes sent to the browser.

Target (issue 4): a full page update (Gx, Gy, magnitude, direction) on a 1-megapixel upload in under
0.3 s of server time. Printed:
  1. the engine + figure path the page caches (decode, filter, figures), step by step;
  2. the per-rerun work that is not cached (threshold map, one pixel's arithmetic);
  3. whole-page reruns through Streamlit's AppTest: first view of the upload, then moving the threshold;
  4. how many bytes the figures take, against the same maps sent as JSON numbers;
and, as a yardstick from the same run, scipy.ndimage computing the two gradients alone.

    python bench/edge_page.py [--side 1024] [--repeats 5]
"""
from __future__ import annotations

import argparse
import io
import json
import pickle
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from cnnviz.edges import BORDERS, corner_maps, edge_map, edge_maps, pixel_trace, strongest_pixel  # noqa: E402
from cnnviz.images import load_image, luma  # noqa: E402
from cnnviz.kernels import KERNELS  # noqa: E402
from cnnviz.viz import edges as fig  # noqa: E402
from bench.timing import best  # noqa: E402

BUDGET = 0.3  # s


def photo(side: int) -> bytes:
    """A synthetic 1-megapixel 'phone photo' as JPEG: shading, shapes and sensor noise."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:side, 0:side] / side
    rgb = np.stack([120 + 80 * np.sin(6 * xx), 100 + 60 * np.cos(5 * yy), 90 + 50 * xx * yy], axis=-1)
    rgb[side // 4: side // 2, side // 5: side // 2] = (230, 200, 40)
    rgb[(yy - 0.6) ** 2 + (xx - 0.7) ** 2 < 0.02] = (30, 60, 200)
    out = io.BytesIO()
    Image.fromarray(np.clip(rgb + rng.normal(0, 6, rgb.shape), 0, 255).astype(np.uint8)).save(out, "JPEG", quality=88)
    return out.getvalue()



def engine_path(data: bytes, repeats: int) -> None:
    weights = KERNELS["sobel"].weights
    t_load, image = best(lambda: load_image(data), repeats)
    t_luma, planes = best(lambda: luma(image.pixels), repeats)
    t_maps, maps = best(lambda: edge_maps(planes, weights, "zeros"), repeats)
    t_corners, _ = best(lambda: {b: corner_maps(planes, weights, b) for b in BORDERS}, repeats)
    t_figs, figures = best(lambda: fig.map_figures(image.pixels, maps), repeats)
    t_zoom, _ = best(lambda: strongest_pixel(maps.magnitude), repeats)
    cached = t_luma + t_maps + t_corners + t_figs + t_zoom
    r, c = strongest_pixel(maps.magnitude)
    stored = pickle.dumps((planes, maps, figures))  # st.cache_data keeps pickles and hands out copies

    def rerun():
        pickle.loads(stored)
        binary = fig.map_figure("binary", edge_map(maps.magnitude, 0.25 * float(maps.magnitude.max())))
        zoom = fig.pixel_figure(pixel_trace(planes, weights, "zeros", r, c), planes.shape, ("Gx", "Gy"))
        return json.dumps(binary), json.dumps(zoom)

    t_rerun, _ = best(rerun, repeats)
    t_ref, _ = best(lambda: (ndimage.sobel(planes, axis=1), ndimage.sobel(planes, axis=0)), repeats)
    h, w = image.size
    print(f"Upload: {len(data) / 1e6:.2f} MB JPEG, {w}×{h} = {w * h / 1e6:.2f} megapixels, Sobel, zero border")
    print(f"  decode (load_image)                  {t_load * 1e3:7.1f} ms   (once per upload)")
    print(f"  luma                                 {t_luma * 1e3:7.1f} ms")
    print(f"  Gx, Gy, magnitude, direction         {t_maps * 1e3:7.1f} ms")
    print(f"  border corners (3 rules)             {t_corners * 1e3:7.1f} ms")
    print(f"  map figures (5 pictures)             {t_figs * 1e3:7.1f} ms")
    print(f"  cached per image + settings          {cached * 1e3:7.1f} ms")
    print(f"  per rerun: cache copy, edge map, zoom {t_rerun * 1e3:6.1f} ms   (e.g. the threshold moved)")
    total = t_load + cached + t_rerun
    print(f"  full update incl. decode             {total * 1e3:7.1f} ms   budget {BUDGET * 1e3:.0f} ms "
          f"→ {total / BUDGET:.2f} of budget")
    print(f"  yardstick: scipy.ndimage.sobel ×2    {t_ref * 1e3:7.1f} ms   (page update = {total / t_ref:.1f}× that)")
    sizes = {k: len(json.dumps(v)) for k, v in figures.items()}
    as_numbers = len(json.dumps(np.round(maps.responses[0], 2).tolist()))
    print(f"  figure sizes: {', '.join(f'{k} {v / 1e3:.0f} kB' for k, v in sizes.items())}")
    print(f"  all maps {sum(sizes.values()) / 1e3:.0f} kB; one map as JSON numbers would be {as_numbers / 1e6:.1f} MB")


def page_reruns(data: bytes, repeats: int) -> None:
    """Whole-page reruns in AppTest: script, cache lookups, figure serialisation."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("ui/lessons/edges.py").run()
    t0 = time.perf_counter()
    at.file_uploader(key="edges.upload").set_value(("photo.jpg", data, "image/jpeg")).run()
    first = time.perf_counter() - t0
    assert not at.exception and not at.error, (at.exception, at.error)
    moves = []
    for i in range(repeats):
        t0 = time.perf_counter()
        at.slider(key="edges.threshold").set_value(10 + 10 * i).run()
        moves.append(time.perf_counter() - t0)
    sent = sum(len(c.proto.spec) for c in at.get("plotly_chart"))
    print("Whole page (AppTest rerun, includes Streamlit's own work):")
    print(f"  first view of the upload             {first * 1e3:7.1f} ms   (decode + filter + figures)")
    print(f"  threshold moved (cached maps)        {min(moves) * 1e3:7.1f} ms best, "
          f"{statistics.median(moves) * 1e3:.1f} ms median → {min(moves) / BUDGET:.2f} of budget")
    print(f"  all charts on the page               {sent / 1e3:7.0f} kB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data = photo(args.side)
    engine_path(data, args.repeats)
    page_reruns(data, args.repeats)


if __name__ == "__main__":
    main()
