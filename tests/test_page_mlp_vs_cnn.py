"""The MLP-vs-CNN page: both networks train on one budget, both curves on one chart, parameter counts beside."""
import time

from tests.conftest import assert_no_exception, chart, run_page
from tests.test_page_training import run_until

PAGE = "ui/lessons/mlp_vs_cnn.py"
MLP_PARAMETERS = (784 * 256 + 256) + (256 * 128 + 128) + (128 * 10 + 10)
LENET_PARAMETERS = (5 * 5 * 1 * 6 + 6) + (5 * 5 * 6 * 16 + 16) + (256 * 128 + 128) + (128 * 84 + 84) + (84 * 10 + 10)


def metrics(at, label: str) -> list[str]:
    return [m.value for m in at.metric if m.label.startswith(label)]


def test_both_networks_are_ready_with_their_parameter_counts_and_one_shared_chart():
    at = run_page(PAGE)
    assert_no_exception(at)
    assert metrics(at, "Parameters") == [f"{MLP_PARAMETERS:,}", f"{LENET_PARAMETERS:,}"]
    assert metrics(at, "Batches of 213") == ["0", "0"]  # 3 epochs × ⌈4,500 / 64⌉ for both: the same budget
    fig = chart(at, "compare.curves")
    assert [t["name"] for t in fig["data"]] == ["MLP (dense layers only)"] * 2 + ["Course LeNet"] * 2
    assert fig["layout"]["showlegend"] and fig["layout"]["xaxis"]["range"] == [0, 213.0]


def test_start_trains_both_side_by_side_and_pause_holds_both():
    at = run_page(PAGE, **{"compare.epochs": 10})
    at.button(key="compare.start").click().run()
    run_until(at, lambda a: all(int(v) >= 3 for v in metrics(a, "Batches of")))
    fig = chart(at, "compare.curves")
    assert len(fig["data"][0]["x"]) >= 3 and len(fig["data"][2]["x"]) >= 3  # both smoothed-loss curves grow
    at.button(key="compare.pause").click().run()
    held = metrics(at, "Batches of")
    time.sleep(0.4)
    at.run()
    assert metrics(at, "Batches of") == held and not at.button(key="compare.start").disabled
    at.button(key="compare.reset_button").click().run()
    assert metrics(at, "Batches of") == ["0", "0"]


def test_the_budget_applies_to_both_networks():
    at = run_page(PAGE, **{"compare.epochs": 2, "compare.batch_size": "128"})
    assert metrics(at, "Batches of 72") == ["0", "0"]  # 2 × ⌈4,500 / 128⌉
