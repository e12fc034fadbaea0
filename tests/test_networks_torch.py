"""Dev-only: every preset rebuilt as PyTorch modules agrees with summarize() on shapes and parameters.

Skipped unless torch is installed (it is not a project dependency). torchvision is not needed: the
modules are built here from the specs, so PyTorch independently checks the output-size arithmetic
(ceil_mode, padding, groups) and the parameter counting, layer by layer.
"""
import pytest

from cnnviz.networks import PRESETS, summarize
from cnnviz.networks import layers as L
from cnnviz.networks.summary import named_children

torch = pytest.importorskip("torch")
nn = torch.nn


class Add(nn.Module):
    def __init__(self, body, shortcut):
        super().__init__()
        self.body, self.shortcut = body, shortcut or nn.Identity()

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


class Cat(nn.Module):
    def __init__(self, branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        return torch.cat([b(x) for b in self.branches], dim=1)


def build(spec, c: int):
    """(module, channels out, leaf modules in summary order) for a spec on ``c`` input channels."""
    if isinstance(spec, L.Sequential):
        mods, leaves = [], []
        for _, child in named_children(spec):
            m, c, lv = build(child, c)
            mods.append(m)
            leaves += lv
        return nn.Sequential(*mods), c, leaves
    if isinstance(spec, L.Residual):
        body, c_out, leaves = build(spec.body, c)
        shortcut = None
        if spec.shortcut is not None:
            shortcut, _, more = build(spec.shortcut, c)
            leaves += more
        add = Add(body, shortcut)
        leaves.append(add)
        if spec.activation is None:
            return add, c_out, leaves
        act, _, more = build(spec.activation, c_out)
        return nn.Sequential(add, act), c_out, leaves + more
    if isinstance(spec, L.Concat):
        branches, leaves, total = [], [], 0
        for b in spec.branches:
            m, c_b, lv = build(b, c)
            branches.append(m)
            leaves += lv
            total += c_b
        cat = Cat(branches)
        return cat, total, leaves + [cat]
    m, c = leaf(spec, c)
    return m, c, [m]


def leaf(spec, c):
    if isinstance(spec, L.Conv2d):
        return nn.Conv2d(c, spec.out_channels, spec.kernel_size, spec.stride, spec.padding, spec.dilation,
                         spec.groups, spec.bias), spec.out_channels
    if isinstance(spec, (L.MaxPool2d, L.AvgPool2d)):
        cls = nn.MaxPool2d if isinstance(spec, L.MaxPool2d) else nn.AvgPool2d
        return cls(spec.kernel_size, spec.stride, spec.padding, ceil_mode=spec.ceil_mode), c
    if isinstance(spec, L.Dense):
        return nn.LazyLinear(spec.out_features, spec.bias), spec.out_features
    simple = {L.BatchNorm2d: lambda: nn.BatchNorm2d(c), L.ReLU: nn.ReLU, L.Tanh: nn.Tanh, L.Sigmoid: nn.Sigmoid,
              L.Softmax: lambda: nn.Softmax(dim=1), L.Dropout: nn.Dropout, L.Flatten: nn.Flatten,
              L.GlobalAvgPool: lambda: nn.AdaptiveAvgPool2d(1),
              L.AdaptiveAvgPool2d: lambda: nn.AdaptiveAvgPool2d(spec.output_size),
              L.LocalResponseNorm: lambda: nn.LocalResponseNorm(spec.size)}
    return simple[type(spec)](), c


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_matches_pytorch_layer_by_layer(name):
    preset = PRESETS[name]
    module, _, leaves = build(preset.network, preset.input_shape[0])
    shapes = {}

    def record(i):
        def hook(mod, inp, out):
            shapes[i] = tuple(out.shape[1:])  # returns None: the output is left alone
        return hook

    for i, m in enumerate(leaves):
        m.register_forward_hook(record(i))
    module.eval()
    with torch.no_grad():
        module(torch.zeros(1, *preset.input_shape))
    summary = summarize(preset)
    assert [shapes[i] for i in range(len(leaves))] == [r.output_shape for r in summary.rows]
    assert sum(p.numel() for p in module.parameters()) == summary.total_params
    per_leaf = [sum(p.numel() for p in m.parameters(recurse=False)) for m in leaves]
    assert per_leaf == [r.params for r in summary.rows]
