"""PyTorch and Keras code for the issue-16 lessons, for each page's own settings (see :mod:`cnnviz.code_snippets`).

``params_snippets``: the two parameter counts (``out = [conv, dense]``); ``backprop_snippets``: autograd's
``dw`` and ``dx`` for the page's layer and ``dy`` (Keras 3 has no backend-neutral gradient call: ``None``);
``fcn_snippets``: a dense head turned into convolutions, checked on an ``H×W`` input, then its score map
``out (K, OH, OW)`` on a larger input.
"""
from __future__ import annotations

import numpy as np

from .code_snippets import Snippets, array_text
from .shapes import conv_geometry


def params_snippets(height: int, width: int, channels: int, filters: int, kernel: int, stride: int = 1,
                    padding: int = 0) -> Snippets:
    """The conv layer and the dense layer with the same input and output sizes, and their parameter counts."""
    oh, ow = conv_geometry((height, width), kernel, stride, padding).out_shape
    n_in, n_out = f"{height} * {width} * {channels}", f"{oh} * {ow} * {filters}"
    torch = ("import torch.nn as nn\n\n"
             f"conv = nn.Conv2d({channels}, {filters}, kernel_size={kernel}, stride={stride}, padding={padding})\n"
             f"dense = nn.Linear({n_in}, {n_out})  # the same input and output sizes, every pair connected\n"
             "count = lambda layer: sum(p.numel() for p in layer.parameters())\n"
             "out = [count(conv), count(dense)]\nprint(out)\n")
    keras = ("import keras\n\n"
             f"conv = keras.layers.Conv2D({filters}, {kernel}, strides={stride})  # padding adds no parameters\n"
             f"conv.build((None, {height}, {width}, {channels}))\n"
             f"dense = keras.layers.Dense({n_out})\ndense.build((None, {n_in}))\n"
             "out = [conv.count_params(), dense.count_params()]\nprint(out)\n")
    return Snippets(torch, keras)


def backprop_snippets(x, w, dout, stride: int = 1, padding: int = 0) -> Snippets:
    """Autograd on the page's layer: ``y.backward(dy)`` fills ``w.grad`` (dw) and ``x.grad`` (dx)."""
    torch = ("import torch\nimport torch.nn.functional as F\n\n"
             f"x = torch.tensor({array_text(np.asarray(x))}, dtype=torch.float64)[None, None].requires_grad_()\n"
             f"w = torch.tensor({array_text(np.asarray(w))}, dtype=torch.float64)[None, None].requires_grad_()\n"
             f"y = F.conv2d(x, w, stride={stride}, padding={padding})\n"
             f"dy = torch.tensor({array_text(np.asarray(dout))}, dtype=torch.float64)[None, None]  # ∂L/∂y\n"
             "y.backward(dy)  # the chain rule: dw = x ⋆ dy, dx = full convolution of dy with w rotated 180°\n"
             "dw, dx = w.grad[0, 0], x.grad[0, 0]\nprint(dw)\nprint(dx)\n")
    return Snippets(torch, None)


def fcn_snippets(channels: int, height: int, width: int, units: int, classes: int, big_height: int,
                 big_width: int, stride: int = 1) -> Snippets:
    """A dense head, the same weights as an ``H×W`` and a ``1×1`` convolution, and the score map of a larger input."""
    sizes = f"C, H, W, U, K = {channels}, {height}, {width}, {units}, {classes}\n"
    torch = ("import torch\nimport torch.nn as nn\n\ntorch.manual_seed(0)\n" + sizes +
             "head = nn.Sequential(nn.Flatten(), nn.Linear(C * H * W, U), nn.ReLU(), nn.Linear(U, K))\n"
             f"fcn = nn.Sequential(nn.Conv2d(C, U, (H, W), stride={stride}), nn.ReLU(), nn.Conv2d(U, K, 1))\n"
             "with torch.no_grad():  # the same weights, reshaped\n"
             "    fcn[0].weight.copy_(head[1].weight.view(U, C, H, W))\n    fcn[0].bias.copy_(head[1].bias)\n"
             "    fcn[2].weight.copy_(head[3].weight.view(K, U, 1, 1))\n    fcn[2].bias.copy_(head[3].bias)\n"
             "x = torch.rand(1, C, H, W)\ngap = (head(x) - fcn(x).flatten(1)).abs().max()\nprint(gap)  # 0, up to rounding\n"
             f"out = fcn(torch.rand(1, C, {big_height}, {big_width}))[0].detach()  # (K, OH, OW): a score map\n"
             "print(out.shape)\n")
    keras = ("import numpy as np\nimport keras\nfrom keras import layers\n\n" + sizes +
             "head = keras.Sequential([keras.Input((H, W, C)), layers.Flatten(), layers.Dense(U, activation='relu'),"
             " layers.Dense(K)])\n"
             "fcn = keras.Sequential([keras.Input((None, None, C)),"
             f" layers.Conv2D(U, (H, W), strides={stride}, activation='relu'), layers.Conv2D(K, 1)])\n"
             "w1, b1 = head.layers[1].get_weights()  # Flatten reads (H, W, C) in order: the kernel layout\n"
             "w2, b2 = head.layers[2].get_weights()\n"
             "fcn.layers[0].set_weights([w1.reshape(H, W, C, U), b1])\n"
             "fcn.layers[1].set_weights([w2.reshape(1, 1, U, K), b2])\n"
             "x = np.random.rand(1, H, W, C).astype('float32')\n"
             "gap = np.abs(head.predict(x, verbose=0) - fcn.predict(x, verbose=0).reshape(1, K)).max()\n"
             "print(gap)  # 0, up to rounding\n"
             f"big = np.random.rand(1, {big_height}, {big_width}, C).astype('float32')\n"
             "out = fcn.predict(big, verbose=0)[0].transpose(2, 0, 1)  # (K, OH, OW), as the page shows it\n"
             "print(out.shape)\n")
    return Snippets(torch, keras)
