"""The PyTorch and Keras code that computes what a concept page shows, for the page's own settings.

Each function takes plain settings (ints, pairs, strings, small arrays) and returns ``Snippets``:
``torch`` and ``keras`` code strings, each runnable on its own, ending in ``out = …`` laid out as the
page shows it (``(H, W)``, or ``(K, H, W)`` for several filters) and ``print(out)``. ``keras`` uses
``keras.ops``, which runs on every Keras 3 backend (TensorFlow, JAX, PyTorch); it is ``None`` where
Keras has no way to say it (average pooling whose ``ceil_mode`` window hangs over the edge).

Padding is resolved by ``cnnviz.shapes`` as the page resolves it; where a framework's own argument
cannot give those numbers (uneven 'same' padding in PyTorch, any explicit padding in Keras) the code
pads first, explicitly, and says so in a comment.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pool import overhang
from .shapes import conv_geometry, pair, pool_geometry, resolve_padding
from .transpose import transpose_geometry

ACTIVATIONS_TORCH = {"relu": "F.relu(z)", "leaky_relu": "F.leaky_relu(z, {slope})", "sigmoid": "torch.sigmoid(z)",
                     "tanh": "torch.tanh(z)"}
ACTIVATIONS_KERAS = {"relu": "ops.relu(z)", "leaky_relu": "ops.leaky_relu(z, negative_slope={slope})",
                     "sigmoid": "ops.sigmoid(z)", "tanh": "ops.tanh(z)"}
_TORCH_HEAD = "import torch\nimport torch.nn.functional as F\n\n"
_KERAS_HEAD = "import numpy as np\nfrom keras import ops\n\n"


@dataclass(frozen=True)
class Snippets:
    torch: str | None  # None: the framework cannot say it
    keras: str | None


def array_text(a) -> str:
    """An array as a nested Python list, every value written exactly (``repr`` of int / float)."""
    a = np.asarray(a)
    if a.ndim == 0:
        v = a.item()
        return repr(int(v)) if float(v).is_integer() and abs(v) < 2**53 else repr(float(v))
    return "[" + ", ".join(array_text(row) for row in a) + "]"


def _pair_text(value) -> str:
    h, w = value
    return str(h) if h == w else f"({h}, {w})"


def _torch_pads(geo) -> tuple[str, str]:
    """(a line that pads x first or '', the ``padding=`` argument) for F.conv2d / F.max_pool2d."""
    (t, b), (l, r) = geo.pads
    if t == b and l == r:
        return "", _pair_text((t, l))
    return (f"x = F.pad(x, ({l}, {r}, {t}, {b}))  # uneven padding (left, right, top, bottom): "
            "F.conv2d's padding= is the same on both sides\n"), "0"


def _keras_pads(geo, stride, dilation, value: str = "0.0") -> tuple[str, str]:
    """(a line that pads x first or '', 'valid' / 'same') for keras.ops.conv / pooling, channels-last."""
    (t, b), (l, r) = geo.pads
    if (t, b, l, r) == (0, 0, 0, 0):
        return "", "valid"
    (sh, sw), (dh, dw) = pair("stride", stride), pair("dilation", dilation)
    same = (resolve_padding("same", geo.rows.n, geo.rows.f, sh, dh), resolve_padding("same", geo.cols.n, geo.cols.f,
                                                                                       sw, dw))
    if same == geo.pads and value == "0.0":
        return "", "same"
    return (f"x = ops.pad(x, [[0, 0], [{t}, {b}], [{l}, {r}], [0, 0]], constant_values={value})"
            "  # (top, bottom), (left, right)\n"), "valid"


def conv_snippets(x, w, bias: float = 0.0, stride=1, padding=0, dilation=1, flip: bool = False) -> Snippets:
    """One ``(H, W)`` input and one ``(fh, fw)`` kernel, as the convolution page: ``out`` is ``(Ho, Wo)``."""
    x, w = np.asarray(x), np.asarray(w)
    geo = conv_geometry(x.shape, w.shape, stride, padding, dilation)
    s, d = _pair_text(pair("stride", stride)), _pair_text(pair("dilation", dilation))
    pad_line, pad = _torch_pads(geo)
    flip_t = "w = torch.flip(w, dims=(2, 3))  # true convolution: rotate the kernel by 180°\n" if flip else ""
    torch = (_TORCH_HEAD + f"x = torch.tensor({array_text(x)}, dtype=torch.float32)[None, None]  # (N, C, H, W)\n"
             f"w = torch.tensor({array_text(w)}, dtype=torch.float32)[None, None]  # (K, C, fh, fw)\n"
             f"b = torch.tensor([{array_text(bias)}], dtype=torch.float32)\n{flip_t}{pad_line}"
             f"out = F.conv2d(x, w, b, stride={s}, padding={pad}, dilation={d})[0, 0]\nprint(out)\n")
    kpad_line, kpad = _keras_pads(geo, stride, dilation)
    flip_k = "w = ops.flip(w, axis=(0, 1))  # true convolution: rotate the kernel by 180°\n" if flip else ""
    keras = (_KERAS_HEAD + f"x = ops.convert_to_tensor(np.array({array_text(x)}, dtype='float32'))[None, :, :, None]"
             "  # (N, H, W, C)\n"
             f"w = ops.convert_to_tensor(np.array({array_text(w)}, dtype='float32'))[:, :, None, None]"
             "  # (fh, fw, C, K)\n"
             f"{flip_k}{kpad_line}out = ops.conv(x, w, strides={s}, padding='{kpad}', dilation_rate={d})"
             f"[0, :, :, 0] + {array_text(bias)}\nprint(out)\n")
    return Snippets(torch, keras)


def output_size_snippets(input_hw, kernel_hw, stride=1, padding=0, dilation=1) -> Snippets:
    """The output size of a convolution, as the padding & stride page: ``out`` is ``(Ho, Wo)``, read from the shape
    of a convolution over zeros."""
    geo = conv_geometry(input_hw, kernel_hw, stride, padding, dilation)
    (h, w), (fh, fw) = pair("input size", input_hw), pair("kernel size", kernel_hw)
    s, d = _pair_text(pair("stride", stride)), _pair_text(pair("dilation", dilation))
    pad_line, pad = _torch_pads(geo)
    torch = (_TORCH_HEAD + f"x = torch.zeros(1, 1, {h}, {w})  # (N, C, H, W)\nw = torch.zeros(1, 1, {fh}, {fw})"
             f"  # (K, C, fh, fw)\n{pad_line}out = tuple(F.conv2d(x, w, stride={s}, padding={pad}, dilation={d})"
             ".shape[2:])  # (Ho, Wo)\nprint(out)\n")
    kpad_line, kpad = _keras_pads(geo, stride, dilation)
    keras = (_KERAS_HEAD + f"x = ops.zeros((1, {h}, {w}, 1))  # (N, H, W, C)\nw = ops.zeros(({fh}, {fw}, 1, 1))"
             f"  # (fh, fw, C, K)\n{kpad_line}out = tuple(ops.conv(x, w, strides={s}, padding='{kpad}', "
             f"dilation_rate={d}).shape[1:3])  # (Ho, Wo)\nprint(out)\n")
    return Snippets(torch, keras)


def volume_snippets(x, w, b, stride=1, padding=0, activation: str = "relu", slope: float = 0.01) -> Snippets:
    """``(C, H, W)`` through filters ``(K, C, fh, fw)`` plus biases ``(K,)``, then the activation: ``out`` is
    ``(K, Ho, Wo)``, as the volumes page."""
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    geo = conv_geometry(x.shape[1:], w.shape[2:], stride, padding)
    s = _pair_text(pair("stride", stride))
    pad_line, pad = _torch_pads(geo)
    act_t = ACTIVATIONS_TORCH[activation].format(slope=slope)
    torch = (_TORCH_HEAD + f"x = torch.tensor({array_text(x)}, dtype=torch.float32)[None]  # (N, C, H, W)\n"
             f"w = torch.tensor({array_text(w)}, dtype=torch.float32)  # (K, C, fh, fw)\n"
             f"b = torch.tensor({array_text(b)}, dtype=torch.float32)  # (K,)\n{pad_line}"
             f"z = F.conv2d(x, w, b, stride={s}, padding={pad})[0]  # (K, Ho, Wo): every filter sums over all C\n"
             f"out = {act_t}\nprint(out)\n")
    kpad_line, kpad = _keras_pads(geo, stride, 1)
    act_k = ACTIVATIONS_KERAS[activation].format(slope=slope)
    keras = (_KERAS_HEAD + f"x = ops.transpose(ops.convert_to_tensor(np.array({array_text(x)}, dtype='float32')), "
             "(1, 2, 0))[None]  # (N, H, W, C)\n"
             f"w = ops.transpose(ops.convert_to_tensor(np.array({array_text(w)}, dtype='float32')), (2, 3, 1, 0))"
             "  # (fh, fw, C, K)\n"
             f"b = ops.convert_to_tensor(np.array({array_text(b)}, dtype='float32'))  # (K,)\n{kpad_line}"
             f"z = ops.conv(x, w, strides={s}, padding='{kpad}')[0] + b  # (Ho, Wo, K)\n"
             f"out = ops.transpose({act_k}, (2, 0, 1))  # (K, Ho, Wo)\nprint(out)\n")
    return Snippets(torch, keras)


def pool_snippets(x, size, stride=None, padding=0, mode: str = "max", ceil_mode: bool = False) -> Snippets:
    """Max / average / min pooling of one ``(H, W)`` input (PyTorch rules, average counting padded zeros)."""
    x = np.asarray(x)
    geo = pool_geometry(x.shape, size, stride, padding, ceil_mode)
    k = _pair_text((geo.rows.f, geo.cols.f))
    s = _pair_text((geo.rows.stride, geo.cols.stride))
    (t, b), (l, r) = geo.pads
    fill = {"avg": "0.0", "max": "float('-inf')", "min": "float('inf')"}[mode]  # values no window picks
    sign = "-" if mode == "min" else ""
    if t == b and l == r:
        pad_line, pad = "", _pair_text((t, l))
    else:
        pad_line, pad = (f"x = F.pad(x, ({l}, {r}, {t}, {b}), value={fill})  # uneven padding (left, right, top, "
                         "bottom)\n"), "0"
    call = "F.avg_pool2d" if mode == "avg" else "F.max_pool2d"
    min_note = "  # min pooling: the max of −x, negated\n" if mode == "min" else "\n"
    torch = (_TORCH_HEAD + f"x = torch.tensor({array_text(x)}, dtype=torch.float32)[None, None]  # (N, C, H, W)\n"
             f"{pad_line}out = {sign}{call}({sign}x, kernel_size={k}, stride={s}, padding={pad}, "
             f"ceil_mode={ceil_mode})[0, 0]{min_note}print(out)\n")
    over_h, over_w = overhang(geo.rows), overhang(geo.cols)
    if mode == "avg" and (over_h or over_w):
        return Snippets(torch, None)
    kfill = "0.0" if mode == "avg" else "-np.inf"
    keras_pads = (t, b + over_h, l, r + over_w)
    pad_k = "" if not any(keras_pads) else (
        f"x = ops.pad(x, [[0, 0], [{t}, {b + over_h}], [{l}, {r + over_w}], [0, 0]], constant_values={kfill})"
        + ("  # ceil_mode: the last window's overhang padded too" if over_h or over_w else "") + "\n")
    kcall = "ops.average_pool" if mode == "avg" else "ops.max_pool"
    keras = (_KERAS_HEAD + f"x = ops.convert_to_tensor(np.array({array_text(x)}, dtype='float32'))[None, :, :, None]"
             "  # (N, H, W, C)\n"
             f"{'x = -x' + chr(10) if mode == 'min' else ''}{pad_k}"
             f"out = {sign}{kcall}(x, pool_size={k}, strides={s}, padding='valid')[0, :, :, 0]\nprint(out)\n")
    return Snippets(torch, keras)


def transposed_snippets(x, w, stride=1, padding=0, output_padding=0, dilation=1) -> Snippets:
    """Transposed convolution of one ``(H, W)`` input with one ``(fh, fw)`` kernel (PyTorch semantics)."""
    x, w = np.asarray(x), np.asarray(w)
    geo = transpose_geometry(x.shape, w.shape, stride, padding, output_padding, dilation)
    s, p = _pair_text(pair("stride", stride)), _pair_text(pair("padding", padding, 0))
    a, d = _pair_text(pair("output padding", output_padding, 0)), _pair_text(pair("dilation", dilation))
    torch = (_TORCH_HEAD + f"x = torch.tensor({array_text(x)}, dtype=torch.float32)[None, None]  # (N, C_in, H, W)\n"
             f"w = torch.tensor({array_text(w)}, dtype=torch.float32)[None, None]  # (C_in, C_out, fh, fw)\n"
             f"out = F.conv_transpose2d(x, w, stride={s}, padding={p}, output_padding={a}, dilation={d})[0, 0]\n"
             "print(out)\n")
    ph, pw = pair("padding", padding, 0)
    rows, cols = geo.rows, geo.cols
    keras = (_KERAS_HEAD + f"x = ops.convert_to_tensor(np.array({array_text(x)}, dtype='float32'))[None, :, :, None]"
             "  # (N, H, W, C_in)\n"
             f"w = ops.convert_to_tensor(np.array({array_text(w)}, dtype='float32'))[:, :, None, None]"
             "  # (fh, fw, C_out, C_in)\n"
             f"full = ops.conv_transpose(x, w, strides={s}, padding='valid', output_padding={a}, "
             f"dilation_rate={d})  # every stamp, nothing cropped\n"
             f"out = full[0, {ph}:{ph + rows.out}, {pw}:{pw + cols.out}, 0]  # crop padding={p} from each side\n"
             "print(out)\n")
    return Snippets(torch, keras)


def edge_snippets(kernels, border: str = "zeros") -> Snippets:
    """Sobel-style edges of a grey ``(H, W)`` ``image`` (defined by the reader) with one kernel or an ``(x, y)``
    pair, 'same' size, border ``zeros`` / ``reflect`` / ``replicate``: ``out`` is the magnitude
    ``√(Gx² + Gy²)`` (or ``|G|`` for one kernel)."""
    kernels = [np.asarray(k) for k in kernels]
    fh, fw = kernels[0].shape
    (t, b), (l, r) = resolve_padding("same", fh, fh), resolve_padding("same", fw, fw)  # stride 1: any size
    mode_t = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate"}[border]
    names = ("gx", "gy")[: len(kernels)]
    lines_t = "".join(f"k{i} = torch.tensor({array_text(k)}, dtype=torch.float32)[None, None]\n"
                      for i, k in enumerate(kernels))
    lines_t += "".join(f"{n} = F.conv2d(xp, k{i})[0, 0]\n" for i, n in enumerate(names))
    combine_t = "torch.sqrt(gx ** 2 + gy ** 2)" if len(kernels) == 2 else "gx.abs()"
    torch = (_TORCH_HEAD + "# image: your grey picture as an (H, W) array of numbers\n"
             "x = torch.as_tensor(image, dtype=torch.float32)[None, None]  # (N, C, H, W)\n"
             f"xp = F.pad(x, ({l}, {r}, {t}, {b}), mode='{mode_t}')  # 'same' size: border '{border}'\n"
             f"{lines_t}out = {combine_t}  # edge strength\nprint(out)\n")
    if border == "replicate":  # not every Keras backend pads with 'edge': repeat the edge rows and columns
        pad_k = (f"xp = ops.concatenate([x[:, :1]] * {t} + [x] + [x[:, -1:]] * {b}, axis=1)  # 'same' size: "
                 "copies of the edge pixels\n"
                 f"xp = ops.concatenate([xp[:, :, :1]] * {l} + [xp] + [xp[:, :, -1:]] * {r}, axis=2)\n")
    else:
        pad_k = (f"xp = ops.pad(x, [[0, 0], [{t}, {b}], [{l}, {r}], [0, 0]], mode='{mode_t}')"
                 f"  # 'same' size: border '{border}'\n")
    lines_k = "".join(f"k{i} = ops.convert_to_tensor(np.array({array_text(k)}, dtype='float32'))[:, :, None, None]\n"
                      for i, k in enumerate(kernels))
    lines_k += "".join(f"{n} = ops.conv(xp, k{i}, padding='valid')[0, :, :, 0]\n" for i, n in enumerate(names))
    combine_k = "ops.sqrt(gx ** 2 + gy ** 2)" if len(kernels) == 2 else "ops.abs(gx)"
    keras = (_KERAS_HEAD + "# image: your grey picture as an (H, W) array of numbers\n"
             "x = ops.convert_to_tensor(np.asarray(image, dtype='float32'))[None, :, :, None]  # (N, H, W, C)\n"
             f"{pad_k}{lines_k}out = {combine_k}  # edge strength\nprint(out)\n")
    return Snippets(torch, keras)
