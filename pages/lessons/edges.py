"""Edge detection: Sobel, Scharr and friends on built-in and uploaded images, down to one pixel's sums."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import streamlit as st

from cnnviz.edges import BORDERS, corner_maps, direction_error, edge_map, edge_maps, pixel_trace, strongest_pixel
from cnnviz.errors import CnnvizError
from cnnviz.images import EXTENSIONS, MAX_BYTES, SAMPLES, ImageError, LoadedImage, channels, load_image, luma
from cnnviz.kernels import KERNELS, custom_kernel
from cnnviz.matrix_text import format_matrix
from cnnviz.viz import edges as fig
from pages.common.charts import show_figure


SAMPLE_LABELS = {
    "step": "Step edge 10 | 0 (the course's 6×6)",
    "shapes": "Shapes",
    "checkerboard": "Checkerboard",
    "text": "Text",
    "circle": "Synthetic circle",
    "colour": "Red & green of equal brightness",
}
KERNEL_LABELS = {
    "sobel": "Sobel (Gx, Gy)",
    "scharr": "Scharr (Gx, Gy)",
    "prewitt": "Prewitt (Gx, Gy) — the course's vertical & horizontal masks",
    "roberts": "Roberts cross (2×2 diagonals)",
    "difference": "Simple differences (Gx, Gy)",
    "vertical": "Course vertical edge [1 0 −1] only",
    "horizontal": "Course horizontal edge only",
    "laplacian4": "Laplacian, 4 neighbours",
    "laplacian8": "Laplacian, 8 neighbours",
    "box": "Box blur 3×3",
    "gaussian3": "Gaussian blur 3×3",
    "gaussian5": "Gaussian blur 5×5",
    "sharpen": "Sharpen",
    "custom": "Custom — type your own",
}
PAIR_NAMES = {"prewitt": "Prewitt", "difference": "Simple differences", "custom": "Your kernel"}  # compared too
BORDER_LABELS = {"zeros": "Zeros", "reflect": "Reflect", "replicate": "Replicate"}
COLOUR_LABELS = {"luma": "Grey (luma)", "channels": "Each colour channel"}


@dataclass(frozen=True)
class EdgeSettings:
    """Everything that defines what this page shows (the uploaded file aside)."""

    sample: str = "step"
    kernel: str = "sobel"
    custom_text: str = format_matrix(KERNELS["sobel"].weights[0])
    custom_pair: bool = True
    colour: str = "luma"
    border: str = "zeros"
    threshold: int = 25  # percent of the largest magnitude
    row: int = 0
    col: int = 0


DEFAULTS = EdgeSettings()


# ------------------------------------------------------------------------------ cached engine work
@st.cache_data(max_entries=8, show_spinner="Reading the image…")
def read_upload(file_id: str, _data: bytes) -> tuple[str, LoadedImage]:
    """Decode an upload once per file (raises ImageError; errors are not cached). Key: a hash of its bytes."""
    return "upload:" + hashlib.sha256(_data).hexdigest(), load_image(_data)


@st.cache_data(max_entries=16, show_spinner="Filtering…")
def analyse(image_key: str, _image: LoadedImage, weights: tuple, colour: str, border: str):
    """Maps, border corners and map figures: everything that does not depend on threshold or pixel."""
    planes = luma(_image.pixels) if colour == "luma" or _image.is_grey else channels(_image.pixels)
    maps = edge_maps(planes, weights, border)
    corners = {BORDER_LABELS[b]: corner_maps(planes, weights, b) for b in BORDERS}
    return planes, maps, corners, fig.map_figures(_image.pixels, maps), strongest_pixel(maps.magnitude)


@st.cache_data(max_entries=8, show_spinner=False)
def circle_errors(pairs: dict) -> dict:
    return {name: direction_error(w) for name, w in pairs.items()}


def png_when_clicked(kind: str, values, extra):
    """The download's bytes, made only when the button is clicked (a full-size PNG takes a moment)."""
    return lambda: fig.png_bytes(fig.map_picture(kind, values, extra))


# ------------------------------------------------------------------------------ controls
def _init_state() -> None:
    for name, value in DEFAULTS.__dict__.items():
        st.session_state.setdefault(f"edges.{name}", value)


def choose_image() -> tuple[str, LoadedImage, str]:
    """Sample picker and uploader; returns (cache key, image, name). A bad upload falls back."""
    st.selectbox("Sample image", list(SAMPLE_LABELS), format_func=SAMPLE_LABELS.get, key="edges.sample")
    upload = st.file_uploader("…or upload your own", type=list(EXTENSIONS), key="edges.upload",
                              help=f"PNG, JPEG, GIF, BMP, WebP or TIFF, up to {MAX_BYTES // 2**20} MB. "
                                   "The file stays in memory and is never saved on the server.")
    sample = st.session_state["edges.sample"]
    fallback = ("sample:" + sample, SAMPLES[sample](), SAMPLE_LABELS[sample])
    if upload is None:
        st.session_state.pop("edges.last_good", None)
        return fallback
    try:
        key, image = read_upload(upload.file_id, upload.getvalue())
    except ImageError as err:
        previous = st.session_state.get("edges.last_good")
        instead = f"your previous image, {previous[2]}" if previous else f"the sample “{fallback[2]}”"
        st.error(f"**{upload.name}** cannot be used. {err} Showing {instead} instead.",
                 icon=":material/broken_image:")
        return previous or fallback
    st.session_state["edges.last_good"] = (key, image, upload.name)
    show_notices(image)
    return key, image, upload.name


def show_notices(image: LoadedImage) -> None:
    notes = []
    if image.downscaled:
        (h0, w0), (h, w) = image.source_size, image.size
        notes.append(f"Reduced from {w0}×{h0} to {w}×{h} pixels to stay quick; "
                     "edges are computed on the reduced image.")
    if image.rotated:
        notes.append("Turned upright using the camera's orientation tag.")
    if image.frames != 1:
        count = f"{image.frames} frames" if image.frames else "several frames"
        notes.append(f"Animated ({count}): using the first frame.")
    if image.flattened:
        notes.append("Transparent areas are shown on white.")
    if image.scaled_16bit:
        notes.append("16-bit image: values scaled to 0…255.")
    for note in notes:
        st.info(note, icon=":material/info:")


def choose_kernel() -> tuple | None:
    """Kernel picker (and the custom box); returns the weights, or None after showing what is wrong."""
    st.selectbox("Kernel", list(KERNEL_LABELS), format_func=KERNEL_LABELS.get, key="edges.kernel")
    key = st.session_state["edges.kernel"]
    if key == "custom":
        st.text_area("Your kernel: 3×3 or 5×5 numbers, one row per line", key="edges.custom_text", height=140,
                     help="Spaces or commas between numbers; fractions like 1/16 are fine.")
        st.toggle("Gradient pair: use its transpose as the y kernel", key="edges.custom_pair")
        try:
            named = custom_kernel(st.session_state["edges.custom_text"], st.session_state["edges.custom_pair"])
        except ValueError as err:
            st.error(f"Your kernel: {err}", icon=":material/edit:")
            return None
    else:
        named = KERNELS[key]
    names = ("Gx", "Gy") if named.is_pair else ("out",)
    st.code("\n\n".join(f"{n}:\n{format_matrix(w)}" for n, w in zip(names, named.weights)), language=None)
    st.caption(f"Source: {named.source}")
    return named.weights


def read_settings(image: LoadedImage) -> EdgeSettings:
    st.radio("Colour", list(COLOUR_LABELS), format_func=COLOUR_LABELS.get, key="edges.colour",
             disabled=image.is_grey, horizontal=True,
             help="What the filters see of a colour image.")
    if image.is_grey:
        st.caption("This image is grey: one plane of brightness values.")
    else:
        st.caption("**Grey**: one plane, brightness Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601 luma). "
                   "**Each channel**: R, G and B are filtered on their own; at each pixel the channel with the "
                   "strongest edge supplies Gx and Gy.")
    st.radio("Border", list(BORDER_LABELS), format_func=BORDER_LABELS.get, key="edges.border", horizontal=True,
             help="What the kernel sees beyond the image: zeros, a mirror image, or copies of the edge pixel.")
    st.slider("Edge threshold (% of the largest magnitude)", 0, 100, key="edges.threshold")
    return EdgeSettings(**{name: st.session_state[f"edges.{name}"] for name in DEFAULTS.__dict__})


# ------------------------------------------------------------------------------ page
st.title("Edge detection")
st.caption("A gradient kernel answers one question at every pixel: how fast does the brightness change, and "
           "in which direction? Gx and Gy are two convolutions; magnitude and direction combine them.")
_init_state()

pick_image, pick_kernel, pick_settings = st.columns([1.1, 1, 1], gap="large")
with pick_image:
    image_key, image, image_name = choose_image()
with pick_kernel:
    weights = choose_kernel()
with pick_settings:
    settings = read_settings(image)
if weights is None:
    st.stop()
pair = len(weights) == 2
per_channel = settings.colour == "channels" and not image.is_grey
try:
    planes, maps, corners, figures, strongest = analyse(image_key, image, weights, settings.colour, settings.border)
except CnnvizError as err:  # e.g. a typed kernel whose responses would overflow 32-bit numbers
    st.error(f"Your kernel: {err}", icon=":material/edit:")
    st.stop()
h, w = image.size

if st.session_state.get("edges.zoom_for") != image_key:  # a new image: zoom in on its strongest edge
    st.session_state["edges.zoom_for"] = image_key
    st.session_state["edges.row"], st.session_state["edges.col"] = strongest
settings = replace(settings, row=min(st.session_state["edges.row"], h - 1),
                   col=min(st.session_state["edges.col"], w - 1))
row, col = settings.row, settings.col
limit = settings.threshold / 100 * float(maps.magnitude.max())  # the slider's percent as a magnitude
edges = edge_map(maps.magnitude, limit)

names = ("Gx", "Gy") if pair else ("Output",)
filtered_as = " (filtered as grey)" if not image.is_grey and not per_channel else ""
panels = [("original", f"Original{filtered_as}", figures["original"])]
panels += [(f"response{i}", f"{n}: negative blue, 0 grey, positive orange", figures[f"response{i}"])
           for i, n in enumerate(names)]
panels.append(("magnitude", "Magnitude √(Gx² + Gy²)" if pair else "Magnitude |output|", figures["magnitude"]))
if pair:
    panels.append(("direction", "Direction θ = atan2(Gy, Gx)", figures["direction"]))
largest = float(maps.magnitude.max())
panels.append(("edges", f"Edges: magnitude > {limit:.4g} ({settings.threshold}% of {largest:.4g})",
               fig.map_figure("binary", edges)))
if per_channel:
    panels.append(("colour_edges", "Colour edges: each channel's magnitude as R, G, B", figures["colour_edges"]))

for start in range(0, len(panels), 3):
    for column, (panel, title, figure) in zip(st.columns(3), panels[start:start + 3]):
        with column:
            st.markdown(f"**{title}**")
            marked = panel in ("original", "edges")  # only these re-send when the pixel moves (bad Wi-Fi)
            show_figure(fig.with_marker(figure, row, col) if marked else figure, key=f"edges.{panel}")

download_names = {"Edges": ("binary", edges, None), "Magnitude": ("magnitude", maps.magnitude, None)}
if pair:
    download_names.update({"Gx": ("signed", maps.responses[0], None), "Gy": ("signed", maps.responses[1], None),
                           "Direction": ("direction", maps.direction, maps.magnitude)})
else:
    download_names["Output"] = ("signed", maps.responses[0], None)
left, right = st.columns([1, 2], vertical_alignment="bottom")
what = left.selectbox("Download as PNG", list(download_names), key="edges.download_what")
kind, values, extra = download_names[what]
right.download_button(f"Download {what.lower()} ({w}×{h} PNG)",
                      data=png_when_clicked(kind, values, extra),
                      file_name=f"{image_name.rsplit('.', 1)[0]}-{settings.kernel}-{what.lower()}.png",
                      mime="image/png", icon=":material/download:", key="edges.download", on_click="ignore")

st.header("One pixel's arithmetic")
a, b, c = st.columns([1, 1, 3], vertical_alignment="bottom")
a.number_input("Row", 0, h - 1, key="edges.row")
b.number_input("Column", 0, w - 1, key="edges.col")
c.caption("The cyan square on the original and on the edge map marks this pixel. Hover over any map to read "
          "its rows and columns.")
channel = int(maps.channel[row, col]) if per_channel else None
trace = pixel_trace(planes, weights, settings.border, row, col, channel)
if channel is not None:
    st.markdown(f"Here the **{'RGB'[channel]}** channel has the strongest edge, so its numbers are shown.")
grey_range = (float(planes.min()), float(planes.max()))
show_figure(fig.pixel_figure(trace, (h, w), names if pair else ("",), grey_range), key="edges.pixel")
if any(not (0 <= r < h) for r in trace.rows) or any(not (0 <= q < w) for q in trace.cols):
    st.caption(f"Shaded cells lie outside the image: the “{BORDER_LABELS[settings.border]}” border rule "
               "filled them.")
st.markdown("\n".join(f"- {line}" for line in fig.pixel_equations(trace, names)))

st.header("At the border")
st.markdown("The kernel hangs over the edge of the image: what should it multiply there? **Zeros** pretend the "
            "world outside is black, so a bright image edge looks like a step and lights up; **reflect** mirrors "
            "the image and **replicate** repeats its edge pixels, so no edge appears that is not there. "
            f"The top-left corner of the {'magnitude' if pair else 'output'} under each rule:")
show_figure(fig.border_figure(corners, pair), key="edges.border_fig")

st.header("Sobel or Scharr?")
pairs = {"Sobel": KERNELS["sobel"].weights, "Scharr": KERNELS["scharr"].weights}
if settings.kernel in PAIR_NAMES and pair:
    pairs[PAIR_NAMES[settings.kernel]] = weights
errors = circle_errors(pairs)
st.markdown("Both estimate the direction θ of an edge, but not equally well in every direction. On the synthetic "
            "circle the true direction at every rim pixel is known (straight out from the centre), so the error "
            "can be measured:")
left, right = st.columns([2, 1], gap="large")
with left:
    show_figure(fig.direction_error_figure(errors), key="edges.direction_error")
with right:
    st.table({"kernel": list(errors), "mean error": [f"{e.mean_abs:.2f}°" for e in errors.values()],
              "largest error": [f"{e.max_abs:.2f}°" for e in errors.values()]})
    st.caption("Sobel is exact at multiples of 45° and drifts in between; Scharr's weights 3 : 10 : 3 were "
               "chosen to keep that drift small. (Roberts measures along the diagonals, so it is not compared.)")
