"""The backpropagation page: both gradients animated, numbers from the backward trace, errors in Korean."""
import numpy as np

from cnnviz.nn.conv import Conv2d
from tests.conftest import assert_no_exception, player_data, player_values, run_page

PAGE = "ui/lessons/conv_backprop.py"
X = np.array([[1, 2, 0, 1, 3], [0, 1, 2, 2, 1], [3, 1, 0, 1, 2], [1, 0, 1, 3, 0], [2, 2, 1, 0, 1]], dtype=float)
W = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=float)


def _layer_gradients(x, w, dy, stride=1, padding=0):
    """dw, dx from the training layer's backward (channels-last), an independent implementation."""
    layer = Conv2d(1, 1, w.shape, stride, padding, dtype=np.float64)
    layer.params["w"][...] = w[:, :, None, None]
    _, cache = layer.forward(x[None, :, :, None])
    dx = layer.backward(dy[None, :, :, None], cache)
    return layer.grads["w"][:, :, 0, 0], dx[0, :, :, 0]


def test_the_weight_gradient_animation_ends_on_the_layers_dw():
    at = run_page(PAGE)
    assert_no_exception(at)
    dy = np.arange(1, 10, dtype=float).reshape(3, 3)  # the default "1, 2, 3, …" gradient
    dw, _ = _layer_gradients(X, W, dy)
    data = player_data(at, "backprop.player.weight")
    assert len(data["payload"]["frames"]) == 9
    np.testing.assert_allclose(player_values(data, 2), dw)


def test_the_input_gradient_with_stride_and_padding_matches_the_layer():
    state = {"backprop.view": "input", "backprop.stride": 2, "backprop.padding": 1, "backprop.gradient": "ones"}
    at = run_page(PAGE, **state)
    assert_no_exception(at)
    _, dx = _layer_gradients(X, W, np.ones((3, 3)), stride=2, padding=1)
    values = player_values(player_data(at, "backprop.player.input"), 2)  # dx of the padded input, 7×7
    assert values.shape == (7, 7)
    np.testing.assert_allclose(values[1:-1, 1:-1], dx)
    assert any("db = " in m.value and "**9**" in m.value for m in at.markdown)


def test_a_typed_gradient_of_the_wrong_shape_names_the_sizes_in_korean():
    state = {"backprop.gradient": "typed", "backprop.dout_text": "1 2\n3 4"}
    english = run_page(PAGE, **state)
    korean = run_page(PAGE, query={"lang": "ko"}, **state)
    for at in (english, korean):
        assert_no_exception(at)
        assert len(at.error) == 1 and "3×3" in at.error[0].value and "2×2" in at.error[0].value
    assert "dy는 출력 칸마다" in korean.error[0].value


def test_a_broken_matrix_is_explained_in_korean():
    at = run_page(PAGE, query={"lang": "ko"}, **{"backprop.kernel_text": "1 2\n3"})
    assert_no_exception(at)
    assert len(at.error) == 1 and at.error[0].value.startswith("커널을 읽을 수 없습니다")


def test_predict_first_hides_the_player_until_checked():
    at = run_page(PAGE, **{"backprop.predict": True})
    assert not [c for c in at.get("bidi_component") if c.proto.component_name == "cnnviz.player"]
    at.text_input[0].input("0")
    at.button[0].click().run()
    assert_no_exception(at)
    assert at.error or at.success  # a verdict is shown, then the animation
    assert player_data(at, "backprop.player.weight")
