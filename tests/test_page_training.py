"""The live-training page, driven like a user: AppTest for controls, charts and uploads; Chromium for the
live loop. AppTest does not run ``run_every`` timers: every ``.run()`` runs the page (and its fragments)
once, so the tests wait for the training worker between runs.
"""
import io
import re
import time

import numpy as np
import pytest
from PIL import Image

from cnnviz import nn
from cnnviz.locales import t
from tests.conftest import assert_no_exception, chart, error_elements, run_page, screenshot, wait_idle

PAGE = "ui/lessons/training.py"
LONG_RUN = {"train.epochs": 20}  # long enough that nothing finishes while the test looks at it



def metric(at, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def curve(at, name: str = "loss of each batch") -> dict:
    """The live run's trace called ``name`` on the learning curves (a previous run's come first, dashed)."""
    return next(t for t in chart(at, "train.curves")["data"] if t["name"] == name)


def batches(at) -> int:
    return int(metric(at, "Batches"))


def run_until(at, condition, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        assert_no_exception(at)
        if condition(at):
            return at
        time.sleep(0.1)
    raise AssertionError(f"timed out at {batches(at)} batches")


def press(at, key: str):
    at.button(key=key).click().run()
    assert_no_exception(at)
    return at


def texts(at) -> str:
    return " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.warning, *at.error, *at.success])


def test_the_page_opens_ready_to_train_with_empty_curves_and_the_initial_filters():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert not at.button(key="train.start").disabled
    assert at.button(key="train.pause").disabled and at.button(key="train.resume").disabled
    assert metric(at, "Batches of") == "0"
    curves = chart(at, "train.curves")
    assert curve(at)["x"] == [] and curves["layout"]["xaxis"]["range"] == [0, 5 * 71]
    filters = chart(at, "train.filters")
    assert len(filters["layout"]["xaxis"]["ticktext"]) == 6
    assert not at.code  # "how it is computed" is folded and draws nothing until opened
    activations = chart(at, "train.inside.activations")
    shapes = [a["text"].split("<br>")[0] for a in activations["layout"]["annotations"]]
    assert shapes == ["<b>28×28×1</b>", "<b>24×24×6</b>", "<b>12×12×6</b>", "<b>8×8×16</b>", "<b>4×4×16</b>",
                      "<b>256</b>", "<b>128</b>", "<b>84</b>", "<b>10</b>"]


def test_how_it_is_computed_opens_on_the_readable_convolution_layer():
    at = run_page(PAGE, **{"train.how_computed": True})
    assert any("class Im2colConv2d" in c.value and "col2im" in c.value for c in at.code)


def test_start_steps_pause_resume_reset_and_the_charts_follow():
    at = run_page(PAGE, **LONG_RUN)
    initial_filters = chart(at, "train.filters")["data"][0]["z"]
    press(at, "train.start")
    assert not at.button(key="train.pause").disabled and at.button(key="train.start").disabled
    run_until(at, lambda a: batches(a) >= 4)
    assert len(curve(at)["x"]) >= 4  # the loss curve gained points
    assert curve(at, "held-out test images")["x"][0] == 0  # held-out accuracy measured at the start

    press(at, "train.pause")
    paused = batches(at)
    assert "Paused" in texts(at) or any("Paused" in str(p.proto) for p in at.get("progress"))
    assert not at.button(key="train.resume").disabled
    time.sleep(0.4)
    at.run()
    assert batches(at) == paused and len(curve(at)["x"]) == paused
    assert chart(at, "train.filters")["data"][0]["z"] != initial_filters  # the filters have learned

    press(at, "train.resume")
    run_until(at, lambda a: batches(a) >= paused + 3)

    press(at, "train.reset")
    assert batches(at) == 0 and curve(at)["x"] == []
    assert chart(at, "train.filters")["data"][0]["z"] == initial_filters  # same seed → same initial weights
    assert not at.button(key="train.start").disabled


def test_settings_change_the_fresh_network_and_are_locked_once_training_started():
    at = run_page(PAGE, **LONG_RUN)
    seed0 = chart(at, "train.filters")["data"][0]["z"]
    at.number_input(key="train.seed").set_value(7).run()
    seed7 = chart(at, "train.filters")["data"][0]["z"]
    assert seed7 != seed0
    press(at, "train.start")
    run_until(at, lambda a: batches(a) >= 1)
    at.number_input(key="train.seed").set_value(8).run()
    assert "take effect when you press" in texts(at) and batches(at) >= 1
    press(at, "train.reset")
    assert batches(at) == 0 and chart(at, "train.filters")["data"][0]["z"] != seed7


def test_leaving_the_page_and_coming_back_keeps_the_run_and_the_settings():
    at = run_page(PAGE, **LONG_RUN)
    at.session_state["train.batch_size"] = "32"
    at.run()
    press(at, "train.start")
    run_until(at, lambda a: batches(a) >= 2)
    at.switch_page("ui/lessons/home.py").run()
    assert_no_exception(at)
    time.sleep(0.3)
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    assert at.session_state["train.batch_size"] == "32" and at.number_input(key="train.epochs").value == 20
    assert metric(at, "Batches of").isdigit() and [m.label for m in at.metric][0] == "Batches of 2820"
    assert metric(at, "Batches of") != "0" and not at.button(key="train.pause").disabled  # still the same run
    run_until(at, lambda a: batches(a) >= 4)
    press(at, "train.pause")


def test_extreme_settings_classic_lenet5_sgd_large_batch_train_without_errors():
    at = run_page(PAGE, **{"train.variant": "lenet5", "train.optimizer": "sgd", "train.lr": "0.1",
                           "train.batch_size": "256", "train.epochs": 20, "train.seed": 9999})
    assert metric(at, "Batches of") == "0"
    assert [m.label for m in at.metric][0] == "Batches of 360"  # 18 batches of 256 per epoch × 20
    shapes = [a["text"].split("<br>")[0] for a in chart(at, "train.inside.activations")["layout"]["annotations"]]
    assert shapes[:2] == ["<b>32×32×1</b>", "<b>28×28×6</b>"] and shapes[5] == "<b>400</b>"
    press(at, "train.start")
    run_until(at, lambda a: batches(a) >= 2)
    press(at, "train.pause")


def test_full_mnist_that_is_not_cached_is_offered_as_a_download(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNVIZ_DATA_DIR", str(tmp_path))
    at = run_page(PAGE, **{"train.source": "full"})
    assert "not cached yet" in texts(at)
    assert [m.label for m in at.metric][0] == "Batches"  # unknown until the data is there
    assert curve(at)["x"] == []


def _png(array) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(array).save(buf, format="PNG")
    return buf.getvalue()


def _photo_of_a_one() -> bytes:
    paper = np.full((200, 160), 235, np.uint8)
    paper[30:170, 72:88] = 20  # a thick vertical stroke: a "1"
    return _png(paper)


def test_an_uploaded_photo_is_preprocessed_step_by_step_and_read_by_the_network():
    at = run_page(PAGE)
    at.radio(key="train.how").set_value("upload").run()
    at.file_uploader(key="train.photo").set_value(("one.png", _photo_of_a_one(), "image/png")).run()
    assert_no_exception(at)
    captions = [c for image in at.image for c in image.captions]
    assert any("inverted" in c for c in captions) and any("28×28" in c for c in captions)
    assert any("scaled: longer side 20 px (20×" in c for c in captions)
    assert "The network reads" in texts(at)
    probabilities = chart(at, "train.own.softmax")["data"][0]["y"]
    assert len(probabilities) == 10 and sum(probabilities) == pytest.approx(100, abs=0.1)


def test_a_file_that_is_not_a_picture_gets_a_message_not_a_traceback():
    at = run_page(PAGE)
    at.radio(key="train.how").set_value("upload").run()
    at.file_uploader(key="train.photo").set_value(("digit.png", b"this is not a picture", "image/png")).run()
    assert_no_exception(at)
    assert any("not an image" in w.value for w in at.warning)
    at.file_uploader(key="train.photo").set_value(("blank.png", _png(np.full((50, 50), 255, np.uint8)),
                                                   "image/png")).run()
    assert any("no digit found" in w.value for w in at.warning)


def test_weights_download_and_load_back_and_a_bad_file_is_refused():
    at = run_page(PAGE)
    assert at.get("download_button")[0].proto.label.startswith("Download the weights")
    other = nn.lenet("lenet5", seed=5)
    at.file_uploader(key="train.weights").set_value(("mine.npz", other.to_bytes(), "application/octet-stream")).run()
    assert_no_exception(at)
    assert any("Loaded mine.npz" in s.value for s in at.success)
    assert at.session_state["train.variant"] == "lenet5"
    first = np.asarray(chart(at, "train.filters")["data"][0]["z"], dtype=float)
    kernels = other.layers[0].kernels[:, 0]  # (6, 5, 5): the first filter sits in columns 0–4
    np.testing.assert_allclose(first[:, :5], np.round(kernels[0], 3))
    at.file_uploader(key="train.weights").set_value(("junk.npz", b"not a zip file", "application/octet-stream")).run()
    assert_no_exception(at)
    assert any("junk.npz cannot be loaded" in e.value for e in at.error)


# ---------------------------------------------------------------- real browser
@pytest.mark.browser
def test_in_chromium_start_makes_the_loss_chart_grow_and_pause_stops_it(open_page):
    page = open_page("training")
    epochs = page.get_by_role("spinbutton", name="Epochs")
    epochs.fill("20")  # long enough that the run cannot end before Pause
    epochs.press("Enter")
    page.get_by_text("Batches of 1420").wait_for(timeout=30_000)
    page.get_by_role("button", name="Start").click()
    loss_points = page.locator(".st-key-train-curves .scatterlayer .trace").first.locator("path.js-line")
    page.wait_for_function(
        """() => { const p = document.querySelector('.stPlotlyChart .scatterlayer .trace path.js-line');
                   return p && p.getAttribute('d') && p.getAttribute('d').split('L').length > 10; }""",
        timeout=60_000)
    before = loss_points.get_attribute("d").count("L")
    page.wait_for_timeout(1500)
    assert loss_points.get_attribute("d").count("L") > before  # live: more points without any click
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Resume").wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('.st-key-train-resume button').disabled",
                           timeout=30_000)
    wait_idle(page)
    held = loss_points.get_attribute("d").count("L")
    page.wait_for_timeout(1500)
    assert loss_points.get_attribute("d").count("L") == held
    screenshot(page, "training-paused")
    assert error_elements(page) == []
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download the weights (.npz)").click()
    trained = nn.load_model(download.value.path())
    assert trained.variant == "lenet5_mnist"
    assert not np.array_equal(trained.flat_params, nn.lenet("lenet5_mnist", seed=0).flat_params)  # it learned


@pytest.mark.browser
def test_in_chromium_a_digit_drawn_on_the_pad_is_prepared_and_read_and_clear_empties_it(open_page):
    page = open_page("training")
    canvas = page.locator(".st-key-train-pad canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y = box["x"], box["y"]
    page.mouse.move(x + 90, y + 60)
    page.mouse.down()
    page.mouse.move(x + 190, y + 60, steps=6)  # a "7": the bar…
    page.mouse.move(x + 120, y + 240, steps=8)  # …and the stem
    page.mouse.up()
    page.get_by_text("The network reads").nth(1).wait_for(timeout=30_000)  # the first one is the test image's
    page.get_by_text("3 · cropped to the box").wait_for()
    wait_idle(page)
    screenshot(page, "training-own-digit")
    assert error_elements(page) == []
    page.locator(".st-key-train-pad button").click()
    page.get_by_text("3 · cropped to the box").wait_for(state="detached", timeout=30_000)


# ---------------------------------------------------------------- a pace a lecturer can narrate
def test_one_batch_per_click_trains_a_single_batch_and_shows_its_images_answers_and_loss():
    at = run_page(PAGE, **{"train.pace": "step"})
    assert at.button(key="train.start").disabled and not at.button(key="train.step").disabled
    for n in (1, 2):
        press(at, "train.step")
        run_until(at, lambda a, n=n: batches(a) == n and not a.button(key="train.step").disabled)
    time.sleep(0.3)
    at.run()
    assert batches(at) == 2  # paused by itself after the batch
    summary = next(m.value for m in at.markdown if m.value.startswith("Batch 2: loss"))
    assert f"**{curve(at)['y'][1]:.3f}**" in summary  # the same loss as the curve's second point
    grid = [c for image in at.image for c in image.captions if c[:1] in "✓✗"]
    assert len(grid) == 16
    right = sum(c.startswith("✓") for c in grid)
    assert all(c.split()[1] == c.split()[3] for c in grid if c.startswith("✓"))  # ✓ means true = read
    assert right <= int(summary.split(", ")[1].split()[0])  # the first 16 of the batch's right answers


def test_batchnorm_and_dropout_are_selectable_and_change_the_network_that_trains():
    at = run_page(PAGE, **LONG_RUN)
    assert "Learnable parameters: **47,154**" in texts(at)
    at.checkbox(key="train.batchnorm").check().run()
    at.checkbox(key="train.dropout").check().run()
    assert_no_exception(at)
    assert f"Learnable parameters: **{47_154 + 2 * (6 + 16 + 128 + 84):,}**" in texts(at)  # γ, β per channel
    shapes = [a["text"].split("<br>")[0] for a in chart(at, "train.inside.activations")["layout"]["annotations"]]
    assert shapes[:3] == ["<b>28×28×1</b>", "<b>24×24×6</b>", "<b>12×12×6</b>"]  # BN folds into its conv's panel
    press(at, "train.start")
    run_until(at, lambda a: batches(a) >= 3)
    press(at, "train.pause")
    assert at.get("download_button")[0].proto.label.startswith("Download")


def test_reset_keeps_the_run_it_leaves_dashed_on_the_curves_for_comparison():
    at = run_page(PAGE, **LONG_RUN)
    press(at, "train.start")
    run_until(at, lambda a: batches(a) >= 3)
    press(at, "train.pause")
    trained = batches(at)
    at.checkbox(key="train.batchnorm").check().run()
    press(at, "train.reset")
    dashed = [t for t in chart(at, "train.curves")["data"] if t["line"].get("dash") == "dash"]
    assert [t["name"] for t in dashed] == ["Course LeNet"] * 2 and len(dashed[0]["x"]) == trained
    assert curve(at)["x"] == [] and "previous run (Course LeNet)" in texts(at)


def test_confident_mistakes_are_pictures_with_their_captions_underneath():
    at = run_page(PAGE, **LONG_RUN)
    press(at, "train.start")
    run_until(at, lambda a: batches(a) >= 1)
    press(at, "train.pause")
    captions = [c for image in at.image for c in image.captions if "→" in c and c[:1] not in "✓✗"]
    assert len(captions) == 10  # the untrained network is wrong on most held-out images
    assert all(c.split(" → ")[0] != c.split(" → ")[1][0] for c in captions)  # each one a mistake


def _checkerboard() -> bytes:
    return _png(((np.indices((200, 300)).sum(axis=0) // 20) % 2 * 255).astype(np.uint8))


def test_a_photo_that_is_clearly_not_a_digit_gets_a_caution_and_a_digit_does_not():
    at = run_page(PAGE)
    at.radio(key="train.how").set_value("upload").run()
    at.file_uploader(key="train.photo").set_value(("tiles.png", _checkerboard(), "image/png")).run()
    assert_no_exception(at)
    caution = [w.value for w in at.warning if "may not be a digit" in w.value]
    assert len(caution) == 1 and "fills the whole picture" in caution[0]
    at.file_uploader(key="train.photo").set_value(("one.png", _photo_of_a_one(), "image/png")).run()
    assert not [w for w in at.warning if "may not be a digit" in w.value and "fills" in w.value]


def test_the_page_reads_in_korean():
    at = run_page(PAGE, **{"app.lang": "ko"})
    assert_no_exception(at)
    assert at.title[0].value == t("nav.training.title", "ko") != t("nav.training.title", "en")
    assert t("train.intro", "ko") in texts(at)
    assert [m.label for m in at.metric][0].startswith("배치")
    assert at.button(key="train.step").label == "한 배치 학습"


@pytest.mark.browser
def test_in_chromium_one_batch_per_click_shows_the_batch_and_stays_paused(open_page):
    page = open_page("training?pace=step")
    page.get_by_role("button", name="Step one batch").click()
    page.get_by_text("Batch 1: loss").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_text(re.compile(r"^[✓✗] \d → \d \(\d+%\)$")).count() == 16  # the batch's digits, captioned
    page.wait_for_timeout(1500)
    assert page.get_by_text("Batch 2: loss").count() == 0  # one click, one batch
    page.get_by_role("button", name="Step one batch").click()
    page.get_by_text("Batch 2: loss").wait_for(timeout=60_000)
    screenshot(page, "training-step")
    assert error_elements(page) == []
