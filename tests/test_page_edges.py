"""The Edge detection page, driven like a user: AppTest for every control and every bad upload; a browser upload."""
import html
import io
import re
import json
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import cnnviz.edges
import cnnviz.viz.edges
from cnnviz.images import SAMPLES
from ui.common.edge_analysis import Recent
from tests.conftest import (assert_no_exception, chart, error_elements, predict_check, predict_question_fits,
                            run_page, screenshot, wait_idle)

PAGE = "ui/lessons/edges.py"


def encode(array: np.ndarray, fmt: str, **kwargs) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, fmt, **kwargs)
    return out.getvalue()


def photo_like(h: int, w: int, seed: int = 0) -> np.ndarray:
    """A synthetic 'photo': smooth shading, a few shapes and sensor noise (RGB uint8)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w] / max(h, w)
    base = np.stack([120 + 80 * np.sin(6 * xx), 100 + 60 * np.cos(5 * yy), 90 + 50 * xx * yy], axis=-1)
    base[h // 4: h // 2, w // 5: w // 2] = (230, 200, 40)
    base[(yy - 0.6) ** 2 + (xx - 0.7) ** 2 < 0.02] = (30, 60, 200)
    return np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype(np.uint8)


def png_claiming(width: int, height: int) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


GOOD_PNG = encode(photo_like(120, 160), "PNG")
GOOD_JPEG = encode(photo_like(1200, 1600, seed=1), "JPEG", quality=85)
_full = encode(photo_like(64, 64), "PNG")
BROKEN = {
    "zero-byte": (b"", "empty"),
    "bomb": (png_claiming(10000, 10000), "decompression bomb"),
    "truncated": (_full[: len(_full) // 2], "ends too early"),
    "corrupt": (_full[:60] + b"\xff" * 200 + _full[260:], "damaged"),
    "non-image": (b"These are my lecture notes, not a picture.\n" * 20, "not an image"),
    "oversize": (b"\x89PNG\r\n\x1a\n" + b"\0" * (20 * 2**20 + 10), "the limit is 20 MB"),
    "tiny": (encode(np.zeros((2, 2), np.uint8), "PNG"), "at least 3×3"),
}


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _titles(at) -> dict[str, str]:
    """The maps' titles in reading order (as one line, without the bold), each with its axes ("x", "x2", …)."""
    if not any(c.proto.id.endswith("-edges.maps") for c in at.get("plotly_chart")):
        return {}
    return {html.unescape(re.sub("<[^>]+>", "", a["text"].replace("<br>", " "))): a["xref"].split()[0]
            for a in chart(at, "edges.maps")["layout"]["annotations"] if a["text"].startswith("<b>")}


def map_titles(at) -> list[str]:
    """The titles of the maps, in reading order."""
    return list(_titles(at))


def panel(at, title: str) -> list[dict]:
    """The traces of the map whose title starts with ``title`` (one map of the figure ``edges.maps``)."""
    (axes,) = [x for t, x in _titles(at).items() if t.startswith(title)]
    return [trace for trace in chart(at, "edges.maps")["data"] if trace.get("xaxis", "x") == axes]


def marked(at) -> dict[str, tuple[int, int]]:
    """The title of each map with the traced pixel marked → the (row, col) marked."""
    axes = {x: t for t, x in _titles(at).items()}
    return {axes[m["xaxis"]]: (m["y"][0], m["x"][0]) for m in chart(at, "edges.maps")["data"]
            if m.get("marker", {}).get("symbol") == "square-open"}


def click(at, title: str, row: int, col: int):
    """A click on cell (``row``, ``col``) of the map titled ``title…``: the selection Streamlit 1.67 sends for the
    point under the pointer (its shape as seen in Chromium). AppTest cannot select points of a chart, so the run
    gets the chart's state as the browser sends it."""
    (maps,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-edges.maps")]
    data, axes = chart(at, "edges.maps")["data"], panel(at, title)[0]["xaxis"]
    curve = next(i for i, t in enumerate(data) if t["xaxis"] == axes and t.get("hoverinfo") != "skip")  # its points
    index = next(i for i, (x, y) in enumerate(zip(data[curve]["x"], data[curve]["y"])) if (y, x) == (row, col))
    point = {"curve_number": curve, "point_number": index, "point_index": index, "x": col, "y": row,
             "text": data[curve].get("text", [""] * (index + 1))[index]}
    event = {"selection": {"points": [point], "point_indices": [index], "box": [], "lasso": []}}
    states = at._tree.get_widget_states()
    states.widgets.add(id=maps.proto.id, string_value=json.dumps(event))
    at._run(states)
    assert_no_exception(at)
    return at


def equations(at) -> str:
    return "\n".join(m.value for m in at.markdown if "atan2" in m.value or "|Output|" in m.value)


@pytest.fixture
def page():
    at = run_page(PAGE)
    assert_no_exception(at)
    return at


def upload(at, name: str, data: bytes, mime: str = "image/png"):
    at.file_uploader(key="edges.upload").set_value((name, data, mime)).run()
    assert_no_exception(at)
    return at


# ------------------------------------------------------------------------------ default
def test_default_shows_the_course_step_edge_with_sobel(page):
    titles = map_titles(page)
    assert titles[0] == "Original" and titles[1].startswith("Gx") and titles[2].startswith("Gy")
    assert any(t.startswith("Magnitude") for t in titles) and any(t.startswith("Direction") for t in titles)
    assert any(t.startswith("Edges: >") for t in titles)
    original = panel(page, "Original")[0]
    assert original["type"] == "heatmap"  # 6×6: drawn cell by cell with its numbers
    assert original["text"][0] == ["10", "10", "10", "0", "0", "0"]
    assert not page.error


def test_default_zooms_into_the_strongest_edge_and_shows_its_sums(page):
    assert page.number_input(key="edges.row").value == 2 and page.number_input(key="edges.col").value == 3
    text = equations(page)
    assert "Gx = 10·1 + 10·0 + 0·(−1)" in text and "= 40" in text
    assert "|G| = √(Gx² + Gy²) = √(40² + 0²) = 40" in text
    assert "atan2(0, 40) = 0°" in text


def test_the_maps_are_one_figure_with_the_traced_pixel_marked_on_the_original_and_the_edges(page):
    assert len(page.get("plotly_chart")) == 4  # the maps, one pixel's sums, the borders, Sobel or Scharr
    assert map_titles(page)[:3] == ["Original", "Gx: − blue, 0 grey, + orange", "Gy: − blue, 0 grey, + orange"]
    assert {t.split(":")[0]: p for t, p in marked(page).items()} == {"Original": (2, 3), "Edges": (2, 3)}
    assert any("no direction" in c.value for c in page.caption)  # once, under the maps


def test_a_click_on_any_map_traces_that_pixel_and_the_marker_follows(page):
    click(page, "Magnitude", 5, 4)
    assert (page.number_input(key="edges.row").value, page.number_input(key="edges.col").value) == (5, 4)
    assert set(marked(page).values()) == {(5, 4)} and len(marked(page)) == 2
    assert "Gx = 10·1 + 0·0 + 0·(−1)" in equations(page)  # the sums of row 5, column 4
    click(page, "Gy", 1, 6)  # another map, the same pixels
    assert (page.number_input(key="edges.row").value, page.number_input(key="edges.col").value) == (1, 6)
    assert set(marked(page).values()) == {(1, 6)}
    page.slider(key="edges.threshold").set_value(60).run()  # a new threshold keeps the pixel marked
    assert set(marked(page).values()) == {(1, 6)} and "Edges: > 24 (60% of 40)" in map_titles(page)


def test_a_click_on_a_large_map_traces_the_pixel_of_the_point_under_the_pointer():
    at = run_page(PAGE, **{"edges.sample": "shapes"})
    assert_no_exception(at)
    grid = next(t for t in panel(at, "Direction") if t.get("hoverinfo") != "skip")  # a grid of points, 4 px apart
    row, col = grid["y"][200], grid["x"][200]
    click(at, "Direction", row, col)
    assert (at.number_input(key="edges.row").value, at.number_input(key="edges.col").value) == (row, col)
    assert set(marked(at).values()) == {(row, col)}


def test_gx_numbers_are_signed_and_not_clamped(page):
    page.radio(key="edges.border").set_value("zeros").run()
    gx = panel(page, "Gx")[0]
    assert gx["text"][2] == ["−40", "0", "40", "40", "0", "0"]  # zero padding's false edge on the left
    assert gx["zmin"] == -gx["zmax"]  # symmetric: 0 sits in the middle (mid-grey)


def test_the_default_border_shows_only_the_real_edge_of_the_course_6x6(page):
    assert page.radio(key="edges.border").value == "replicate"
    gx = panel(page, "Gx")[0]["text"]
    assert all(row == ["0", "0", "40", "40", "0", "0"] for row in gx)  # no border edge on either side
    assert any("Replicate" in c.value and "default" in c.value for c in page.caption)  # and the choice explained


def test_border_rules_change_the_border_only(page):
    page.radio(key="edges.border").set_value("zeros").run()
    zeros = panel(page, "Gx")[0]["text"]
    page.radio(key="edges.border").set_value("replicate").run()
    assert_no_exception(page)
    replicate = panel(page, "Gx")[0]["text"]
    assert replicate[2] == ["0", "0", "40", "40", "0", "0"]
    assert [row[1:-1] for row in zeros[1:-1]] == [row[1:-1] for row in replicate[1:-1]]  # inside: identical
    page.radio(key="edges.border").set_value("reflect").run()
    assert_no_exception(page)


def test_border_comparison_shows_all_three_rules(page):
    titles = [a["text"] for c in charts(page) for a in c["layout"].get("annotations", [])]
    assert {"Zeros", "Reflect", "Replicate"} <= set(titles)


def test_sobel_scharr_table_has_numbers(page):
    table = page.table[0].value
    assert list(table["kernel"]) == ["Sobel", "Scharr"]
    sobel, scharr = (float(v.rstrip("°")) for v in table["mean error"])
    assert 0 < scharr < sobel


# ------------------------------------------------------------------------------ samples and kernels
@pytest.mark.parametrize("sample", list(SAMPLES))
def test_every_sample_draws(page, sample):
    page.selectbox(key="edges.sample").set_value(sample).run()
    assert_no_exception(page)
    assert not page.error
    h, w = SAMPLES[sample]().size
    assert page.number_input(key="edges.row").max == h and page.number_input(key="edges.col").max == w


def test_large_samples_travel_as_compressed_pictures(page):
    page.selectbox(key="edges.sample").set_value("shapes").run()
    assert len(map_titles(page)) == 6
    for title in map_titles(page):
        first = panel(page, title)[0]
        assert first["type"] == "image" and first["source"].startswith("data:image/")
    total = sum(len(c.proto.spec) for c in page.get("plotly_chart"))
    assert total < 400_000


def test_colour_sample_per_channel_finds_what_grey_misses(page):
    page.selectbox(key="edges.sample").set_value("colour").run()
    assert page.radio(key="edges.border").value == "replicate"  # zeros would add a false edge at the border
    grey_title = [t for t in map_titles(page) if t.startswith("Edges")][0]
    page.radio(key="edges.colour").set_value("channels").run()
    assert_no_exception(page)
    titles = map_titles(page)
    assert any(t.startswith("Colour edges") for t in titles)
    colour_title = [t for t in titles if t.startswith("Edges")][0]
    largest = [float(t.split(" of ")[1].rstrip(")")) for t in (grey_title, colour_title)]
    assert largest[1] > 20 * largest[0]
    assert any("channel has the strongest edge" in m.value for m in page.markdown)


@pytest.mark.parametrize("kernel", ["scharr", "prewitt", "roberts", "difference", "vertical", "horizontal",
                                    "laplacian4", "laplacian8", "box", "gaussian3", "gaussian5", "sharpen"])
def test_every_kernel_draws(page, kernel):
    page.selectbox(key="edges.kernel").set_value(kernel).run()
    assert_no_exception(page)
    assert not page.error
    titles = map_titles(page)
    pair = kernel in ("scharr", "prewitt", "roberts", "difference")
    assert any(t.startswith("Direction") for t in titles) == pair


def test_vertical_mask_reproduces_the_courses_30s(page):
    page.selectbox(key="edges.kernel").set_value("vertical").run()
    out = panel(page, "Output")[0]["text"]
    assert [row[1:5] for row in out[1:5]] == [["0", "30", "30", "0"]] * 4


def test_custom_kernel_error_points_at_the_entry_and_keeps_the_text(page):
    page.selectbox(key="edges.kernel").set_value("custom").run()
    bad = "1 0 -1\n2 0 x\n1 0 -1"
    page.text_area(key="edges.custom_text").set_value(bad).run()
    assert_no_exception(page)
    assert "row 2, entry 3: 'x' is not a number" in page.error[0].value
    assert page.text_area(key="edges.custom_text").value == bad  # nothing the user typed is lost
    assert not page.get("plotly_chart")
    page.text_area(key="edges.custom_text").set_value("1 0 -1\n2 0 -2\n1 0 -1").run()
    assert not page.error and page.get("plotly_chart")


def test_custom_5x5_single_kernel_with_reflect_on_the_6x6_image(page):
    page.selectbox(key="edges.kernel").set_value("custom").run()
    page.toggle(key="edges.custom_pair").set_value(False).run()
    page.text_area(key="edges.custom_text").set_value("\n".join(["1 1 1 1 1"] * 5)).run()
    page.radio(key="edges.border").set_value("reflect").run()
    assert_no_exception(page)
    assert not page.error
    out = panel(page, "Output")[0]["text"]
    assert out[2][2] == "150"  # inside: 5 rows of 10 + 10 + 10 + 0 + 0
    assert out[0][0] == "250"  # corner: the mirror shows rows/columns 2 1 0 1 2, all 10 (zeros would give 90)
    assert "Magnitude: |Output| = 150" in equations(page)


# ------------------------------------------------------------------------------ extreme settings
# Sobel on the step, replicated border: columns 3 and 4 in every row
@pytest.mark.parametrize("threshold, edges", [(0, 6 + 6), (100, 0)])
def test_threshold_extremes(page, threshold, edges):
    page.slider(key="edges.threshold").set_value(threshold).run()
    assert_no_exception(page)
    binary = panel(page, "Edges")[0]
    assert sum(v == "1" for row in binary["text"] for v in row) == edges


def test_edge_map_is_bright_on_dark_like_the_magnitude_map(page):
    binary = panel(page, "Edges")[0]["colorscale"]
    magnitude = panel(page, "Magnitude")[0]["colorscale"]
    assert binary[0][1] == magnitude[0][0 + 1] and binary[-1][1] == magnitude[-1][1]


def test_threshold_does_not_recompute_the_convolutions(monkeypatch):
    calls = []
    original = cnnviz.edges.edge_maps

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(cnnviz.edges, "edge_maps", counting)
    at = run_page(PAGE)
    first = len(calls)
    assert first >= 1
    for value in (0, 50, 100):
        at.slider(key="edges.threshold").set_value(value).run()
        assert_no_exception(at)
    at.number_input(key="edges.row").set_value(5).run()
    assert len(calls) == first


def test_threshold_and_pixel_steps_rebuild_only_what_they_change(monkeypatch):
    """A threshold step redraws the edge map only; a pixel visited again reuses its arithmetic figure."""
    calls = {"map_figures": 0, "pixel_figure": 0}
    for name in calls:
        original = getattr(cnnviz.viz.edges, name)

        def counting(*args, _name=name, _original=original, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)
        monkeypatch.setattr(cnnviz.viz.edges, name, counting)
    at = run_page(PAGE)
    assert calls == {"map_figures": 1, "pixel_figure": 1}
    at.slider(key="edges.threshold").set_value(60).run()
    at.number_input(key="edges.row").set_value(5).run()
    at.number_input(key="edges.row").set_value(2).run()  # back to the first pixel
    at.slider(key="edges.threshold").set_value(25).run()
    assert_no_exception(at)
    assert calls == {"map_figures": 1, "pixel_figure": 2}
    assert panel(at, "Edges")[0]["text"][0] == ["0", "0", "1", "1", "0", "0"]


def test_an_analysis_keeps_only_its_most_recent_views():
    recent, made = Recent(2), []
    for threshold in (10, 20, 10, 30, 10):
        recent.get(threshold, lambda t=threshold: made.append(t) or t)
    assert made == [10, 20, 30] and list(recent.items) == [30, 10]  # 20, the least recently used, went


def test_pixel_in_the_far_corner(page):
    page.number_input(key="edges.row").set_value(6).run()
    page.number_input(key="edges.col").set_value(6).run()
    assert_no_exception(page)
    assert any("lie outside the image" in c.value for c in page.caption)
    assert "= 0" in equations(page)


# ------------------------------------------------------------------------------ uploads
def test_upload_of_a_good_png(page):
    upload(page, "board.png", GOOD_PNG)
    assert not page.error
    first = panel(page, "Original")[0]
    assert first["type"] == "image"
    assert page.number_input(key="edges.row").max == 120 and page.number_input(key="edges.col").max == 160
    assert any("Showing your photo board.png (160×120 pixels)" in c.value for c in page.caption)
    assert page.download_button[0].label.startswith("Download edges (160×120")


def test_upload_of_a_big_jpeg_is_downscaled_with_a_notice(page):
    upload(page, "phone.jpg", GOOD_JPEG, "image/jpeg")
    assert not page.error
    notes = [i.value for i in page.info]
    assert any("Reduced from 1600×1200 to 1024×768" in n for n in notes)
    assert page.number_input(key="edges.col").max == 1024
    total = sum(len(c.proto.spec) for c in page.get("plotly_chart"))
    assert total < 1_500_000, total  # a 0.8-megapixel image must not travel as numbers


@pytest.mark.parametrize("case", list(BROKEN))
def test_each_broken_upload_gets_one_clear_message_and_the_sample_stays(page, case):
    data, words = BROKEN[case]
    upload(page, f"{case}.png", data)
    assert len(page.error) == 1
    message = page.error[0].value
    assert words in message and f"{case}.png" in message and "Showing the sample" in message
    assert panel(page, "Original")[0]["text"][0][0] == "10"  # still the step edge sample


def test_a_bad_upload_after_a_good_one_keeps_the_good_one(page):
    upload(page, "good.png", GOOD_PNG)
    upload(page, "broken.png", BROKEN["truncated"][0])
    assert "Showing your previous photo, good.png, instead" in page.error[0].value
    assert page.number_input(key="edges.col").max == 160
    page.file_uploader(key="edges.upload").set_value(None).run()  # removing it returns to the samples
    assert_no_exception(page)
    assert not page.error and page.number_input(key="edges.col").max == 6
    assert any("Showing the sample" in c.value and "no photo of yours is uploaded" in c.value for c in page.caption)


def test_uploaded_image_is_zoomed_at_its_strongest_edge_once(page):
    upload(page, "good.png", GOOD_PNG)
    row, col = page.number_input(key="edges.row").value, page.number_input(key="edges.col").value
    assert (row, col) != (2, 3)
    page.number_input(key="edges.row").set_value(1).run()
    page.selectbox(key="edges.kernel").set_value("scharr").run()
    assert page.number_input(key="edges.row").value == 1  # the user's choice survives other changes


# ------------------------------------------------------------------------------ real browser
@pytest.mark.browser
def test_broken_then_good_upload_and_download_in_chromium(open_page, tmp_path):
    """One tab (a page visit costs seconds on 2 cores): a broken file gets one message, a good one replaces it."""
    page = open_page("edges")
    broken = tmp_path / "notes.png"
    broken.write_bytes(BROKEN["non-image"][0])
    page.locator("input[type=file]").set_input_files(str(broken))
    page.wait_for_timeout(1000)
    wait_idle(page)
    errors = error_elements(page)
    assert len(errors) == 1 and "not an image" in errors[0]
    path = tmp_path / "photo.png"
    path.write_bytes(encode(photo_like(300, 400), "PNG"))
    page.locator("input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(1000)
    wait_idle(page)
    page.get_by_text("Download edges (400×300 PNG)").wait_for(timeout=30_000)
    screenshot(page, "edges-upload")
    assert error_elements(page) == []
    with page.expect_download(timeout=30_000) as info:
        page.get_by_text("Download edges (400×300 PNG)").click()
    png = Image.open(info.value.path())
    assert png.format == "PNG" and png.size == (400, 300)


def test_the_digit_panel_and_the_edge_page_say_the_same_about_the_same_broken_file(page):
    """One decoder, one message: the training page's own-digit upload shows the edges page's words."""
    data = BROKEN["truncated"][0]
    upload(page, "cut.png", data)
    digit = run_page("ui/lessons/training.py")
    digit.radio(key="train.how").set_value("Upload a photo").run()
    digit.file_uploader(key="train.photo").set_value(("cut.png", data, "image/png")).run()
    assert_no_exception(digit)
    (warning,) = [w.value for w in digit.warning if "ends too early" in w.value]
    assert warning[0].isupper() and warning in page.error[0].value


# ------------------------------------------------------------------------------ errors in Korean
def _error_in(language: str, case: str) -> str:
    kernel = {"kernel": "custom"}
    state = {"matrix": kernel | {"custom_text": "1 0 -1\n2 0 x\n1 0 -1"},
             "geometry": kernel | {"custom_text": "1 2 3 4\n1 2 3 4\n1 2 3 4"}}.get(case, {})
    at = run_page(PAGE, query={"lang": language}, **{f"edges.{k}": v for k, v in state.items()})
    if case in BROKEN:
        upload(at, f"{case}.png", BROKEN[case][0])
    assert_no_exception(at)
    assert len(at.error) == 1
    return at.error[0].value


@pytest.mark.parametrize("case", ["matrix", "geometry", "tiny", "oversize", "bomb"])
def test_errors_read_in_korean_with_the_same_numbers(case):
    english, korean = _error_in("en", case), _error_in("ko", case)
    assert re.search(r"[\uac00-\ud7a3]", korean) and not re.search(r"[\uac00-\ud7a3]", english)
    assert re.findall(r"\d+(?:\.\d+)?", korean.replace(f"{case}.png", "")) \
        and sorted(re.findall(r"\d+(?:\.\d+)?", korean)) == sorted(re.findall(r"\d+(?:\.\d+)?", english))
    assert f"{case}.png" in korean if case in BROKEN else True


def test_the_presenter_link_folds_the_controls_below_the_maps():
    at = run_page(PAGE, query={"present": "1", "sample": "checkerboard"})
    assert_no_exception(at)
    folded = [e for e in at.expander if e.label != "The code: PyTorch and Keras"]
    assert len(folded) == 1 and folded[0].selectbox(key="edges.sample").value == "checkerboard"
    assert panel(at, "Magnitude")  # the maps are drawn, outside the folded controls


@pytest.mark.parametrize("language, words", [("en", "too large"), ("ko", "너무 큽니다")])
def test_a_kernel_too_large_for_32_bit_numbers_is_refused_in_words_not_a_crash(language, words):
    huge = "\n".join(["1e36 1e36 1e36"] * 3)
    at = run_page(PAGE, query={"lang": language}, **{"edges.sample": "checkerboard", "edges.kernel": "custom",
                                                   "edges.custom_pair": False, "edges.custom_text": huge})
    assert_no_exception(at)
    assert len(at.error) == 1 and words in at.error[0].value
    assert at.text_area(key="edges.custom_text").value.startswith("1e36")  # what was typed is kept


# ------------------------------------------------------------------------------ predict first, code
def test_predict_first_hides_the_maps_until_the_traced_pixels_strength_is_guessed():
    at = run_page(PAGE, **{"edges.predict": True})
    assert_no_exception(at)
    assert not map_titles(at) and not equations(at)  # no maps, no sums: they give the answer away
    assert not [c for c in at.code if c.language == "python"]
    assert any("row 2, column 3" in m.value for m in at.markdown)
    # by hand on the course's 10 | 0 step: columns 2–4 read 10, 10, 0 in every row, so
    # Gx = (10 − 0)·1 + (10 − 0)·2 + (10 − 0)·1 = 40 and Gy = 0: |G| = 40
    at = predict_check(at, "40")
    assert_no_exception(at)
    assert at.success and "Original" in map_titles(at)  # revealed: the maps are back


def test_a_wrong_strength_is_refused_with_the_substituted_sums():
    at = predict_check(run_page(PAGE, **{"edges.predict": True}), "30")
    assert_no_exception(at)
    assert at.error and not at.success
    worked = next(c.value for c in at.code if "|G| = √" in c.value)
    assert worked.endswith("|G| = √(40² + 0²) = 40")


def test_the_predict_question_reads_in_korean_with_the_same_numbers():
    at = run_page(PAGE, query={"lang": "ko"}, **{"edges.predict": True})
    assert_no_exception(at)
    assert any("2행 3열" in m.value and "|G| = √(Gx² + Gy²)" in m.value for m in at.markdown)


@pytest.mark.parametrize("border, padding", [("zeros", "mode='constant'"), ("reflect", "mode='reflect'")])
def test_the_code_panel_shows_pytorch_and_keras_for_the_current_kernel_and_border(border, padding):
    at = run_page(PAGE, **{"edges.border": border, "edges.kernel": "scharr", "code_panel.open": True})
    assert_no_exception(at)
    code = [c.value for c in at.code if c.language == "python"]
    torch_code = next(c for c in code if "F.conv2d" in c)
    assert padding in torch_code and "[[3, 0, -3], [10, 0, -10], [3, 0, -3]]" in torch_code  # Scharr's x kernel
    assert any("ops.conv" in c for c in code)


@pytest.mark.browser
def test_the_predict_question_and_its_window_fit_at_1280x720_in_both_languages(browser, streamlit_url):
    predict_question_fits(browser, streamlit_url, "edges?predict=1", ("edges.predict",), "edges-predict")
