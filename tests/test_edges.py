"""Edge maps against scipy.ndimage and hand-worked synthetic edges; one pixel's trace; the direction error."""
import numpy as np
import pytest
from scipy import ndimage

from cnnviz.edges import (
    BORDERS, corner_maps, direction_error, edge_map, edge_maps, edges_at_percent, filter2d, grey_levels, pixel_trace,
    same_pads, strongest_pixel,
)
from cnnviz.errors import CnnvizError
from cnnviz.images import smooth_disk
from cnnviz.kernels import KERNELS

SCIPY_MODE = {"zeros": "constant", "reflect": "mirror", "replicate": "nearest"}  # PyTorch names → scipy names
RNG = np.random.default_rng(3)
IMG = RNG.integers(0, 256, (13, 17)).astype(np.float32)
STEP = np.repeat([[10, 10, 10, 0, 0, 0]], 6, axis=0).astype(np.float32)


def scipy_same(image, kernel, border):
    """scipy's correlate centres a kernel at its middle tap, or for even sizes one tap after it —
    our 'same' puts the odd padding after (bottom/right), i.e. origin −1 for even kernels."""
    origin = [-1 if n % 2 == 0 else 0 for n in kernel.shape]
    return ndimage.correlate(image.astype(np.float64), kernel, mode=SCIPY_MODE[border], cval=0.0, origin=origin)


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("name", ["sobel", "scharr", "prewitt", "roberts", "difference", "laplacian8", "gaussian5",
                                  "box", "sharpen"])
def test_filter2d_matches_scipy_correlate_for_every_border(name, border):
    for kernel in KERNELS[name].weights:
        np.testing.assert_allclose(filter2d(IMG, kernel, border), scipy_same(IMG, kernel, border), rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("border", BORDERS)
def test_sobel_maps_match_scipy_sobel(border):
    """scipy.ndimage.sobel differentiates right − left; the course kernels give left − right."""
    m = edge_maps(IMG, KERNELS["sobel"].weights, border)
    gx = -ndimage.sobel(IMG.astype(np.float64), axis=1, mode=SCIPY_MODE[border])
    gy = -ndimage.sobel(IMG.astype(np.float64), axis=0, mode=SCIPY_MODE[border])
    np.testing.assert_allclose(m.responses[0], gx, atol=1e-3)
    np.testing.assert_allclose(m.responses[1], gy, atol=1e-3)
    np.testing.assert_allclose(m.magnitude, np.hypot(gx, gy), rtol=1e-5, atol=1e-3)
    moving = np.hypot(gx, gy) > 1e-3
    wrapped = (m.direction - np.arctan2(gy, gx) + np.pi) % (2 * np.pi) - np.pi  # +180° and −180° agree
    np.testing.assert_allclose(wrapped[moving], 0, atol=1e-5)
    assert np.all(m.direction[~moving] == 0)  # no gradient: θ = 0, not ±180° from signed zeros
    assert np.all((m.direction > -np.pi) & (m.direction <= np.pi))


def test_course_step_edge_with_the_vertical_mask():
    """6×6 10|0 image: inside, the vertical mask gives 0 30 30 0 (the course's 4×4 'valid' answer)."""
    out = filter2d(STEP, KERNELS["vertical"].weights[0], "replicate")
    np.testing.assert_array_equal(out[1:-1, 1:-1], [[0, 30, 30, 0]] * 4)
    zeros = filter2d(STEP, KERNELS["vertical"].weights[0], "zeros")
    np.testing.assert_array_equal(zeros[:, 0], [-20, -30, -30, -30, -30, -20])  # the false edge zeros make
    np.testing.assert_array_equal(zeros[:, -1], 0)  # no false edge where the image is 0 anyway


@pytest.mark.parametrize("border", ["reflect", "replicate"])
def test_a_flat_image_has_no_edges_except_with_zero_padding(border):
    flat = np.full((7, 9), 100.0)
    assert np.all(edge_maps(flat, KERNELS["sobel"].weights, border).magnitude == 0)
    zero = edge_maps(flat, KERNELS["sobel"].weights, "zeros").magnitude
    assert np.all(zero[1:-1, 1:-1] == 0) and np.all(zero[0] > 0) and np.all(zero[:, -1] > 0)


@pytest.mark.parametrize("angle_deg", [0, 30, 45, 90, 135, 180, -60, -90])
def test_magnitude_and_direction_of_a_linear_ramp(angle_deg):
    """I = a·x + b·y (x to the right, y down). Sobel gives Gx = −8a, Gy = −8b exactly inside the image."""
    t = np.radians(angle_deg)
    a, b = np.cos(t), np.sin(t)
    yy, xx = np.mgrid[0:9, 0:11]
    ramp = (a * xx + b * yy).astype(np.float64)
    m = edge_maps(ramp, KERNELS["sobel"].weights, "replicate")
    inner = (slice(1, -1), slice(1, -1))
    np.testing.assert_allclose(m.responses[0][inner], -8 * a, atol=1e-5)
    np.testing.assert_allclose(m.responses[1][inner], -8 * b, atol=1e-5)
    np.testing.assert_allclose(m.magnitude[inner], 8.0, atol=1e-5)
    # (Gx, Gy) points down the slope: the angle is the ramp's plus 180°
    diff = (np.degrees(m.direction[inner]) - (angle_deg + 180) + 180) % 360 - 180
    np.testing.assert_allclose(diff, 0, atol=1e-3)


def test_vertical_edge_direction_is_0_or_180_degrees():
    m = edge_maps(STEP, KERNELS["sobel"].weights, "replicate")
    assert np.all(m.magnitude[:, 2:4] == 40) and np.all(m.magnitude[:, [0, 1, 4, 5]] == 0)
    np.testing.assert_array_equal(np.degrees(m.direction[:, 2:4]), 0)  # bright left, dark right: Gx > 0
    m2 = edge_maps(STEP[:, ::-1], KERNELS["sobel"].weights, "replicate")
    np.testing.assert_allclose(np.abs(np.degrees(m2.direction[:, 2:4])), 180)


def test_single_filter_magnitude_is_the_absolute_output_and_has_no_direction():
    m = edge_maps(IMG, KERNELS["laplacian4"].weights, "reflect")
    assert m.direction is None and m.responses.shape == (1, *IMG.shape)
    np.testing.assert_array_equal(m.magnitude, np.abs(m.responses[0]))


def test_per_channel_picks_the_strongest_channel_at_each_pixel():
    rgb = RNG.integers(0, 256, (3, 10, 12)).astype(np.float32)
    m = edge_maps(rgb, KERNELS["scharr"].weights, "replicate")
    per = [edge_maps(c, KERNELS["scharr"].weights, "replicate") for c in rgb]
    mags = np.stack([p.magnitude for p in per])
    np.testing.assert_array_equal(m.channel_magnitude, mags)
    np.testing.assert_array_equal(m.channel, np.argmax(mags, axis=0))
    np.testing.assert_array_equal(m.magnitude, mags.max(axis=0))
    for k in range(2):
        expected = np.choose(m.channel, [p.responses[k] for p in per])
        np.testing.assert_array_equal(m.responses[k], expected)


def test_per_channel_finds_an_edge_luma_cannot_see():
    rgb = np.zeros((3, 8, 8), np.float32)
    rgb[:, :, :4] = np.array([255, 67, 40])[:, None, None]  # left: red of luma 120.13
    rgb[:, :, 4:] = np.array([0, 180, 126])[:, None, None]  # right: green of luma 120.02
    grey = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])
    assert edge_maps(grey, KERNELS["sobel"].weights, "replicate").magnitude.max() < 1
    assert edge_maps(rgb, KERNELS["sobel"].weights, "replicate").magnitude.max() > 900


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("name", ["sobel", "roberts", "gaussian5"])
def test_corner_maps_equal_the_corner_of_the_full_maps(border, name):
    rgb = RNG.standard_normal((3, 30, 25)).astype(np.float32)
    for image in (rgb, rgb[0], rgb[0, :9, :11]):  # colour, grey, and smaller than corner + margin
        full = edge_maps(image, KERNELS[name].weights, border)
        corner = corner_maps(image, KERNELS[name].weights, border, size=8)
        r, c = min(8, image.shape[-2]), min(8, image.shape[-1])
        np.testing.assert_array_equal(corner.responses, full.responses[..., :r, :c])
        np.testing.assert_array_equal(corner.magnitude, full.magnitude[:r, :c])


def test_edge_map_is_strictly_above_the_threshold():
    mag = np.array([[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(edge_map(mag, 1.0), [[False, False], [True, True]])
    assert edge_map(mag, 0).sum() == 3 and edge_map(mag, 3).sum() == 0
    with pytest.raises(ValueError, match="finite"):
        edge_map(mag, float("nan"))


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("pixel", [(0, 0), (0, 16), (12, 0), (12, 16), (6, 7)])
def test_pixel_trace_reproduces_the_map_value_with_its_arithmetic(border, pixel):
    weights = KERNELS["sobel"].weights
    m = edge_maps(IMG, weights, border)
    t = pixel_trace(IMG, weights, border, *pixel)
    for k, step in enumerate(t.steps):
        np.testing.assert_allclose(step.value, m.responses[k][pixel], rtol=1e-6, atol=1e-3)
        np.testing.assert_allclose(step.products, step.patch * step.kernel)
        assert step.total == pytest.approx(step.products.sum())
    assert t.magnitude == pytest.approx(float(m.magnitude[pixel]), rel=1e-6)
    assert t.direction == pytest.approx(float(m.direction[pixel]), abs=1e-5)
    # the window: rows/cols in image coordinates, border values by the rule (np.pad as the reference)
    padded = np.pad(IMG, 1, mode={"zeros": "constant", "reflect": "reflect", "replicate": "edge"}[border])
    r, c = pixel
    np.testing.assert_array_equal(t.steps[0].patch, padded[r: r + 3, c: c + 3])
    assert t.rows == (r - 1, r, r + 1) and t.cols == (c - 1, c, c + 1)


def test_pixel_trace_equation_reads_like_the_course():
    t = pixel_trace(STEP, KERNELS["vertical"].weights, "zeros", 2, 2)
    assert t.steps[0].equation.endswith("= 30")
    assert t.steps[0].equation.startswith("10·1 + 10·0 + 0·(−1)")


def test_pixel_trace_follows_the_chosen_channel():
    rgb = RNG.integers(0, 256, (3, 6, 7)).astype(np.float32)
    t = pixel_trace(rgb, KERNELS["sobel"].weights, "reflect", 3, 3, channel=2)
    assert t.channel == 2
    np.testing.assert_array_equal(t.steps[0].patch, rgb[2, 2:5, 2:5])
    with pytest.raises(ValueError, match="channel"):
        pixel_trace(rgb, KERNELS["sobel"].weights, "reflect", 3, 3)


def test_pixel_trace_of_a_2x2_kernel_pads_after():
    t = pixel_trace(IMG, KERNELS["roberts"].weights, "zeros", 12, 16)
    assert t.rows == (12, 13) and t.cols == (16, 17)  # the odd padding pixel sits after (bottom/right)
    np.testing.assert_array_equal(t.steps[0].patch, [[IMG[12, 16], 0], [0, 0]])
    assert same_pads((13, 17), (2, 2)) == ((0, 1), (0, 1))


def test_strongest_pixel_avoids_the_border_band():
    mag = np.zeros((6, 6))
    mag[0, 0], mag[3, 2], mag[4, 4] = 100, 5, 5
    assert strongest_pixel(mag) == (3, 2)
    assert strongest_pixel(np.array([[1.0, 9.0], [2.0, 3.0]])) == (0, 1)


@pytest.mark.parametrize("bad, message", [
    (dict(border="wrap"), "border must be one of"),
    (dict(image=np.zeros((4,))), r"image must be \(H, W\)"),
    (dict(image=np.array([[1.0, np.nan, 2], [1, 2, 3], [1, 2, 3]])), "not finite"),
    (dict(kernels=(np.ones((3, 3)), np.ones((5, 5)))), "same size"),
    (dict(kernels=(np.ones((3, 3)),) * 3), "one 2-D kernel, or a pair"),
    (dict(image=np.ones((2, 2)), border="reflect", kernels=(np.ones((5, 5)),)), "reflect padding"),
])
def test_bad_arguments_raise_readable_errors(bad, message):
    args = {"image": IMG, "kernels": KERNELS["sobel"].weights, "border": "zeros", **bad}
    with pytest.raises(ValueError, match=message):
        edge_maps(args["image"], args["kernels"], args["border"])


def test_pixel_outside_the_image_is_refused():
    with pytest.raises(ValueError, match="outside the 13×17 image"):
        pixel_trace(IMG, KERNELS["sobel"].weights, "zeros", 13, 0)


def test_inputs_are_not_modified():
    img = IMG.copy()
    edge_maps(img, KERNELS["sobel"].weights, "reflect")
    pixel_trace(img, KERNELS["sobel"].weights, "reflect", 0, 0)
    np.testing.assert_array_equal(img, IMG)


# ------------------------------------------------------------------------------ Sobel vs Scharr
def test_direction_error_is_measured_against_the_true_radial_direction():
    """Independent check: scipy's Sobel on the same disk, angles compared as orientations."""
    size, radius, softness = 129, 40.0, 1.0
    disk = smooth_disk(size, radius, softness)
    gx = ndimage.sobel(disk, axis=1, mode="nearest")
    gy = ndimage.sobel(disk, axis=0, mode="nearest")
    c = (size - 1) / 2
    yy, xx = np.mgrid[0:size, 0:size]
    rim = np.cosh((radius - np.hypot(yy - c, xx - c)) / softness) ** -2 >= 0.25
    err = (np.degrees(np.arctan2(gy, gx) - np.arctan2(yy - c, xx - c))[rim] + 90) % 180 - 90
    got = direction_error(KERNELS["sobel"].weights, size, radius, softness)
    assert got.mean_abs == pytest.approx(np.abs(err).mean(), rel=1e-4)
    assert got.max_abs == pytest.approx(np.abs(err).max(), rel=1e-4)
    assert len(got.angles) == rim.sum()


def test_scharr_is_more_rotation_invariant_than_sobel():
    sobel = direction_error(KERNELS["sobel"].weights)
    scharr = direction_error(KERNELS["scharr"].weights)
    assert scharr.mean_abs < sobel.mean_abs / 2
    assert scharr.max_abs < sobel.max_abs / 2
    assert sobel.max_abs < 2  # both are good gradient estimators on a smooth edge


def test_sobel_is_exact_along_the_axes_and_diagonals():
    """By symmetry Sobel's error vanishes at multiples of 45° and is largest in between."""
    r = direction_error(KERNELS["sobel"].weights, bin_width=5.0)
    centres = r.bin_centres
    near_axes = np.isin(np.round(centres - 2.5) % 45, [0]) | np.isin(np.round(centres + 2.5) % 45, [0])
    assert np.abs(r.bin_errors[near_axes]).max() < np.abs(r.bin_errors).max() / 2


def test_grey_levels_are_the_rounded_bt601_luma_students_see_in_an_image_editor():
    rgb = np.array([[[255, 67, 40], [0, 180, 126], [10, 20, 30]], [[255, 255, 255], [0, 0, 0], [1, 2, 3]]], np.uint8)
    expected = [[round(0.299 * float(r) + 0.587 * float(g) + 0.114 * float(b)) for r, g, b in row] for row in rgb]
    np.testing.assert_array_equal(grey_levels(rgb), expected)
    assert grey_levels(rgb).dtype == np.float32
    np.testing.assert_array_equal(grey_levels(STEP.astype(np.uint8)), STEP)  # grey stays as it is


def test_the_schema_default_pixel_is_the_strongest_edge_of_the_default_lesson():
    from ui.schemas.edges import STRONGEST_ON_STEP, EdgeSettings
    d = EdgeSettings()
    maps = edge_maps(STEP, KERNELS[d.kernel].weights, d.border)
    assert tuple(i + 1 for i in strongest_pixel(maps.magnitude)) == STRONGEST_ON_STEP == (d.row, d.col)


def test_direction_error_needs_a_pair():
    with pytest.raises(ValueError, match="pair"):
        direction_error(KERNELS["laplacian4"].weights)


# ------------------------------------------------------------------------------ figures (cnnviz.viz.edges)
def _decode_uri(uri: str) -> np.ndarray:
    import base64
    import io

    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).convert("RGB"))


def test_signed_colours_put_zero_at_mid_grey_and_are_symmetric():
    from cnnviz.viz.edges import colour_signed
    rgb = colour_signed(np.array([[-5.0, 0.0, 5.0, -10.0, 10.0]]), limit=10.0)
    np.testing.assert_array_equal(rgb[0, 1], [128, 128, 128])
    luminance = rgb[0].astype(float) @ [0.2126, 0.7152, 0.0722]
    assert luminance[3] < luminance[0] < luminance[1] < luminance[2] < luminance[4]  # dark → light
    assert rgb[0, 3, 2] > rgb[0, 3, 0] and rgb[0, 4, 0] > rgb[0, 4, 2]  # negative blue, positive warm


def test_direction_colours_follow_the_hue_wheel_and_fade_with_magnitude():
    from cnnviz.viz.edges import colour_direction
    theta = np.radians([[0.0, 120.0, -120.0, 180.0]])
    rgb = colour_direction(theta, np.ones((1, 4)))
    np.testing.assert_array_equal(rgb[0, :3], [[255, 0, 0], [0, 255, 0], [0, 0, 255]])
    np.testing.assert_array_equal(rgb[0, 3], [0, 255, 255])
    dim = colour_direction(np.zeros((1, 2)), np.array([[0.0, 2.0]]))
    np.testing.assert_array_equal(dim[0], [[0, 0, 0], [255, 0, 0]])


@pytest.mark.parametrize("kind", ["image", "signed", "magnitude", "direction", "binary"])
@pytest.mark.parametrize("shape", [(6, 6), (300, 200), (1100, 700)])
def test_map_figures_are_valid_plotly_and_keep_pixel_coordinates(kind, shape):
    import plotly.graph_objects as go

    from cnnviz.viz.edges import DISPLAY_SIDE, NUMBERS_MAX, map_figure
    rng = np.random.default_rng(0)
    values = {"image": rng.integers(0, 256, shape, dtype=np.uint8), "signed": rng.standard_normal(shape),
              "magnitude": rng.random(shape), "direction": rng.uniform(-np.pi, np.pi, shape),
              "binary": rng.random(shape) > 0.5}[kind]
    spec = map_figure(kind, values, magnitude=rng.random(shape), row=shape[0], col=1)
    go.Figure(spec)  # raises on anything Plotly does not know
    h, w = shape  # pixels are counted from 1: cell (r, c) sits at x = c, y = r
    assert spec["layout"]["xaxis"]["range"] == [0.5, w + 0.5] and spec["layout"]["yaxis"]["range"] == [h + 0.5, 0.5]
    # hovers and clicks land on one scatter trace of points (Streamlit reports no points for heatmaps/images)
    (pointer,) = [d for d in spec["data"] if d.get("hoverinfo") != "skip"]
    assert pointer["type"] == "scatter" and pointer["mode"] == "markers"
    assert 1 <= min(pointer["x"]) and max(pointer["x"]) <= w and 1 <= min(pointer["y"]) and max(pointer["y"]) <= h
    first = spec["data"][0]
    if max(shape) <= NUMBERS_MAX:
        assert first["type"] in ("heatmap", "image") and len(first["text"]) == h
        return
    picture = _decode_uri(first["source"])
    assert max(picture.shape[:2]) <= DISPLAY_SIDE
    # the picture's pixel centres land on the original pixel coordinates
    assert first["x0"] - first["dx"] / 2 == pytest.approx(0.5)
    assert first["x0"] + (picture.shape[1] - 0.5) * first["dx"] == pytest.approx(w + 0.5, abs=1e-6)
    assert first["y0"] + (picture.shape[0] - 0.5) * first["dy"] == pytest.approx(h + 0.5, abs=0.02 * first["dy"] * h)


def test_every_cell_of_a_small_map_and_a_grid_of_a_large_one_can_be_clicked():
    from cnnviz.viz.edges import CLICK_CELLS, clicked_pixel, map_figure
    small = map_figure("signed", np.arange(12.0).reshape(3, 4) - 5)["data"][-1]
    assert sorted(zip(small["y"], small["x"])) == [(r, c) for r in range(1, 4) for c in range(1, 5)]
    assert small["text"][small["x"].index(2)] == "−4"  # hovering reads the cell's number (row 1, column 2)
    grid = map_figure("magnitude", np.zeros((300, 1000)))["data"][-1]
    xs, ys = sorted(set(grid["x"])), sorted(set(grid["y"]))
    assert len(xs) <= CLICK_CELLS and max(np.diff(xs)) <= np.ceil(1000 / CLICK_CELLS) and max(np.diff(ys)) <= 16
    assert clicked_pixel([{"x": xs[3], "y": ys[2]}], (300, 1000)) == (ys[2], xs[3])
    assert clicked_pixel([{"x": 4.4, "y": 0.2}], (6, 6)) == (1, 4)  # rounded, kept inside the image
    assert clicked_pixel([{"x": 99, "y": 7}], (6, 6)) == (6, 6)
    assert clicked_pixel([{"x": None}, {"z": 1}], (6, 6)) is None


@pytest.mark.parametrize("kind", ["signed", "magnitude", "direction"])
def test_numbers_in_small_maps_fit_their_cells(kind):
    """The longest number of a 6×6 map fits the narrowest cell it gets (a third of a 1280 px screen)."""
    from cnnviz.viz.edges import CELLS_PX, map_figure
    values = {"signed": np.full((6, 6), -12.25), "magnitude": np.full((6, 6), 42.4264),
              "direction": np.full((6, 6), np.radians(-153.43))}[kind]
    trace = [d for d in map_figure(kind, values, magnitude=np.ones((6, 6)))["data"] if d["type"] == "heatmap"][-1]
    longest = max(len(x) for row in trace["text"] for x in row)
    assert longest * 0.6 * trace["textfont"]["size"] <= CELLS_PX / 6 - 4
    assert trace["texttemplate"] == "%{text}" and trace["text"][0][0] in ("−12.25", "42.4", "−153")


def test_small_maps_too_crowded_for_numbers_leave_them_to_the_hover():
    from cnnviz.viz.edges import map_figure
    trace = map_figure("signed", np.full((16, 16), -123.25))["data"][0]
    assert trace["texttemplate"] == "" and trace["text"][0][0] == "−123.25"


def test_direction_map_marks_cells_without_an_edge_instead_of_leaving_them_blank():
    from cnnviz.viz.edges import map_figure
    magnitude = np.array([[0.0, 1.0], [2.0, 0.0]])
    data = map_figure("direction", np.zeros((2, 2)), magnitude=magnitude)["data"]
    under, top = data[0], data[1]
    assert under["text"] == [["–", ""], ["", "–"]]
    assert top["z"][0][0] is None and top["z"][0][1] == 0 and top["text"][0] == ["", "0"]


def test_edge_map_uses_the_ends_of_the_magnitude_scale():
    from cnnviz.viz.edges import colour_binary, colour_magnitude
    ends = colour_magnitude(np.array([[0.0, 1.0]]), hi=1.0)[0]
    np.testing.assert_array_equal(colour_binary(np.array([[False, True]]))[0], ends)


def test_large_signed_map_saturates_symmetrically_and_says_so():
    from cnnviz.viz.edges import map_figure
    values = np.zeros((100, 100))
    values[10:20] = np.linspace(-50, 50, 100)
    values[50, 50] = 1000.0  # one outlier would make every other edge grey
    spec = map_figure("signed", values)
    low, middle, high = (a["text"] for a in spec["layout"]["annotations"])  # the colour bar's numbers
    assert low.startswith("≤ −") and high.startswith("≥ ") and low[3:] == high[2:] and middle == "0"
    assert float(high[2:]) < 1000
    (strip,) = spec["layout"]["images"]  # the bar itself: the signed scale, under the map, on the map's own axes
    assert strip["source"].startswith("data:image/png") and strip["y"] < 0 and strip["xref"] == "x domain"


def test_small_map_shows_every_number():
    from cnnviz.viz.edges import map_figure
    spec = map_figure("signed", np.array([[-30.0, 0, 30], [1.5, -0.25, 7]]))
    assert spec["data"][0]["text"] == [["−30", "0", "30"], ["1.5", "−0.25", "7"]]


def test_download_picture_is_full_size_png():
    from PIL import Image as PILImage

    from cnnviz.viz.edges import map_picture, png_bytes
    values = np.random.default_rng(1).standard_normal((300, 700))
    data = png_bytes(map_picture("signed", values))
    import io
    im = PILImage.open(io.BytesIO(data))
    assert im.format == "PNG" and im.size == (700, 300)


def test_pixel_figure_and_equations():
    import plotly.graph_objects as go

    from cnnviz.viz.edges import pixel_equations, pixel_figure
    t = pixel_trace(STEP, KERNELS["sobel"].weights, "zeros", 0, 2)
    spec = pixel_figure(t, STEP.shape, ("Gx", "Gy"), (0.0, 10.0))
    go.Figure(spec)
    assert len(spec["data"]) == 6  # window, kernel, products for Gx and for Gy
    assert len(spec["layout"]["shapes"]) == 2 * 3  # the three window cells above the image, in both rows
    lines = pixel_equations(t, ("Gx", "Gy"))
    assert lines[0].startswith("Gx = 0·1 + 0·0 + 0·(−1) + 10·2")
    # window rows −1 (zeros), 0 and 1 = [10 10 0]: Gx = 2·10 + 10 = 30, Gy = −(10 + 2·10) = −30
    assert lines[2] == "Magnitude: |G| = √(Gx² + Gy²) = √(30² + (−30)²) = 42.426"
    assert lines[3] == "Direction: θ = atan2(Gy, Gx) = atan2(−30, 30) = −45°"
    flat = pixel_trace(STEP, KERNELS["sobel"].weights, "replicate", 3, 5)
    assert pixel_equations(flat, ("Gx", "Gy"))[3].endswith("= no direction (Gx = Gy = 0)")
    assert "방향" in pixel_equations(t, ("Gx", "Gy"), "ko")[3]


def test_border_and_direction_error_figures_draw_the_engines_numbers_per_border():
    import plotly.graph_objects as go

    from cnnviz.viz.edges import border_figure, direction_error_figure
    corners = {b: corner_maps(IMG, KERNELS["sobel"].weights, b) for b in BORDERS}
    single = {b: corner_maps(IMG, KERNELS["sharpen"].weights, b) for b in BORDERS}
    errors = direction_error(KERNELS["sobel"].weights)
    pair_fig, single_fig = border_figure(corners, pair=True), border_figure(single, pair=False)
    go.Figure(pair_fig), go.Figure(single_fig)
    go.Figure(error_fig := direction_error_figure({"Sobel": errors}))
    # one heatmap per border rule, in order, drawing exactly the engine's numbers
    for fig, maps, pick in ((pair_fig, corners, lambda m: m.magnitude), (single_fig, single, lambda m: m.responses[0])):
        assert len(fig["data"]) == len(BORDERS)
        for trace, border in zip(fig["data"], BORDERS):
            np.testing.assert_allclose(trace["z"], pick(maps[border]), rtol=1e-6)
    np.testing.assert_allclose(error_fig["data"][0]["y"], errors.bin_errors, atol=5e-4)
    np.testing.assert_allclose(error_fig["data"][0]["x"], errors.bin_centres, atol=0.05)


def test_edges_at_percent_thresholds_at_that_share_of_the_largest_magnitude():
    magnitude = np.array([[0.0, 10.0], [25.0, 40.0]])
    mask, limit = edges_at_percent(magnitude, 25)
    assert limit == 10.0
    np.testing.assert_array_equal(mask, [[False, False], [True, True]])  # strictly above: 10 is not an edge
    assert edges_at_percent(magnitude, 100)[0].sum() == 0 and edges_at_percent(magnitude, 0)[0].sum() == 3


def test_map_panels_follow_the_maps_of_a_pair_and_of_a_single_filter():
    from cnnviz.viz.edges import download_maps, map_figures, map_panels
    for kernel, keys, files in (
            ("sobel", ["original", "response0", "response1", "magnitude", "direction", "edges"],
             {"edges", "magnitude", "gx", "gy", "direction"}),
            ("laplacian4", ["original", "response0", "magnitude", "edges"], {"edges", "magnitude", "output"})):
        maps = edge_maps(STEP, KERNELS[kernel].weights, "replicate")
        mask, limit = edges_at_percent(maps.magnitude, 25)
        panels = map_panels(map_figures(STEP.astype(np.uint8), maps), maps, mask, limit, 25, False)
        assert [key for key, _, _ in panels] == keys
        assert panels[-1][1] == f"Edges: > {limit:g} (25% of {maps.magnitude.max():g})"
        assert set(download_maps(maps, mask)) == files


def _panels(image: np.ndarray, kernel: str = "sobel", percent: int = 25):
    from cnnviz.viz.edges import map_figures, map_panels
    maps = edge_maps(image.astype(np.float32), KERNELS[kernel].weights, "replicate")
    mask, limit = edges_at_percent(maps.magnitude, percent)
    return map_panels(map_figures(image.astype(np.uint8), maps), maps, mask, limit, percent, False)


def _on(figure: dict, axes: str) -> list[dict]:
    return [trace for trace in figure["data"] if trace["xaxis"] == f"x{axes}"]


@pytest.mark.parametrize("image", [STEP, np.tile(np.repeat([0, 255], 40), (60, 1))], ids=["6x6", "60x80"])
@pytest.mark.parametrize("kernel", ["sobel", "laplacian4"])
def test_the_maps_as_one_figure_draw_each_map_on_its_own_square_axes_with_its_title(image, kernel):
    import plotly.graph_objects as go

    from cnnviz.viz.edges import MARKED, map_grid
    panels = _panels(image, kernel)
    grid = map_grid(panels)
    figure = grid.marked(2, 3)
    go.Figure(figure)  # raises on anything Plotly does not know
    layout, titles = figure["layout"], [a for a in figure["layout"]["annotations"] if a["text"].startswith("<b>")]
    assert list(grid.axes) == [key for key, _, _ in panels] and len(titles) == len(panels)
    for (key, title, one), axes in zip(panels, grid.axes.values()):
        traces = _on(figure, axes)
        # the map's own traces as alone (what the template gives every trace of its type included): numbers,
        # colours, pictures, hover texts, click points; then the marker, on the original and the edges only
        for mine, alone in zip(traces, one["data"]):
            (default,) = layout["template"]["data"].get(mine["type"], [{}])
            assert {**default, **mine, "xaxis": "x", "yaxis": "y"} == {"xaxis": "x", "yaxis": "y", **alone}, key
        marks = traces[len(one["data"]):]
        assert [(m["marker"]["symbol"], m["y"], m["x"]) for m in marks] == \
            ([("square-open", [2], [3])] if key in MARKED else [])
        (note,) = [a for a in titles if a["xref"] == f"x{axes} domain"]  # its title, over the map
        assert note["text"].replace("<b>", "").replace("</b>", "").replace("<br>", " ") == \
            title.replace(">", "&gt;") and note["y"] == 1 and note["yanchor"] == "bottom"
        x, y = layout[f"xaxis{axes}"], layout[f"yaxis{axes}"]
        for name, mine in (("xaxis", x), ("yaxis", y)):  # the axes as alone: ranges, ticks, square pixels
            own = {k: v for k, v in mine.items() if k not in ("domain", "anchor")}
            alone = {**one["layout"][name], **({"scaleanchor": f"x{axes}"} if name == "yaxis" else {})}
            assert {**layout["template"]["layout"][name], **own} == alone
        assert 0 <= x["domain"][0] < x["domain"][1] <= 1 and 0 <= y["domain"][0] < y["domain"][1] <= 1
    # three to a row, rows from the top, no two maps overlapping
    boxes = [(layout[f"xaxis{a}"]["domain"], layout[f"yaxis{a}"]["domain"]) for a in grid.axes.values()]
    for i, (bx, by) in enumerate(boxes):
        assert (bx, by) == (boxes[i % 3][0], boxes[i - i % 3][1])
        for cx, cy in boxes[:i]:
            assert bx[1] <= cx[0] or cx[1] <= bx[0] or by[1] <= cy[0] or cy[1] <= by[0]


def test_a_large_maps_colour_key_moves_to_its_axes_in_the_grid():
    from cnnviz.viz.edges import map_grid
    panels = _panels(np.tile(np.repeat([0, 255], 40), (60, 1)))
    grid = map_grid(panels)
    layout = grid.figure["layout"]
    for (key, _, one), axes in zip(panels, grid.axes.values()):
        mine = [i for i in layout["images"] if i["xref"] == f"x{axes} domain"]
        assert [{**i, "xref": "x domain", "yref": "y domain"} for i in mine] == one["layout"].get("images", [])
    assert {i["xref"] for i in layout["images"]} == {"x2 domain", "x3 domain", "x4 domain", "x5 domain"}  # Gx…θ


def test_the_grid_is_no_larger_than_its_maps_sent_one_by_one():
    import plotly.io as pio

    from cnnviz.viz.edges import map_grid
    for image in (STEP, np.tile(np.repeat([0, 255], 40), (60, 1))):
        panels = _panels(image)
        one_by_one = sum(len(pio.to_json(one, validate=False)) for _, _, one in panels)
        assert len(pio.to_json(map_grid(panels).marked(2, 3), validate=False)) < one_by_one


def test_long_titles_wrap_and_korean_counts_as_wide():
    from cnnviz.viz.edges import _title_lines
    assert _title_lines("Original", 270) == ["Original"]
    assert _title_lines("Colour edges: each channel's magnitude as R, G, B", 270) == \
        ["Colour edges: each channel's magnitude", "as R, G, B"]
    assert len(_title_lines("가" * 14, 270)) == 1 and len(_title_lines(" ".join(["가나다라마바"] * 4), 270)) == 2
    assert len(_title_lines("Edges: > 1234.5 (100% of 12345.6)", 225)) == 2  # the last column: its map only


def test_a_click_on_any_map_of_the_grid_gives_the_pixel_under_the_pointer():
    """Streamlit 1.67's selection points (as seen in Chromium); every map has the same pixel coordinates."""
    from cnnviz.viz.edges import clicked_pixel
    on_magnitude = {"curve_number": 7, "point_number": 13, "point_index": 13, "x": 2, "y": 3, "text": "0"}
    on_gx = {"curve_number": 3, "point_number": 4, "point_index": 4, "x": 5, "y": 1, "text": "0"}
    on_edges = {"curve_number": 12, "point_number": 35, "point_index": 35, "x": 6, "y": 6, "text": "1"}
    assert [clicked_pixel([p], (6, 6)) for p in (on_magnitude, on_gx, on_edges)] == [(3, 2), (1, 5), (6, 6)]
    assert clicked_pixel([on_gx, on_magnitude, on_edges], (6, 6)) == (1, 5)  # several (shift-click): the first


# ------------------------------------------------------------------------------ hostile kernels (issue 15)
def test_a_kernel_with_entries_1e19_gives_finite_maps_and_a_threshold():
    image = np.tile(np.array([0, 0, 255, 255], np.float64), (6, 2))  # (6, 8), one vertical edge
    k = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]) * 1e19  # Gx² ≈ 1e45: beyond float32 before the root
    maps = edge_maps(image, (k, k.T), "replicate")
    assert np.isfinite(maps.magnitude).all() and maps.magnitude.max() > 1e21
    reference = np.hypot(*(np.asarray(ndimage.correlate(image, kk, mode="nearest")) for kk in (k, k.T)))
    np.testing.assert_allclose(maps.magnitude, reference, rtol=1e-5, atol=1e-6 * reference.max())  # cancellation
    assert edge_map(maps.magnitude, 0.25 * float(maps.magnitude.max())).any()


def test_a_kernel_whose_responses_overflow_float32_is_refused_by_name():
    image = np.full((6, 6), 255.0)
    with pytest.raises(CnnvizError) as err:
        edge_maps(image, (np.full((3, 3), 1e36),), "zeros")
    assert err.value.code == "edges_kernel_too_large"
    edge_maps(np.full((6, 6), 1.0), (np.full((3, 3), 1e36),), "zeros")  # a dim image keeps it in range
