"""Parameter counts of single layers (networks.py adds them up over whole networks)."""
from __future__ import annotations

from .errors import CnnvizError
from .shapes import check_int, pair


def conv2d_params(in_channels: int, out_channels: int, kernel_size, bias: bool = True, groups: int = 1) -> int:
    """Learnable parameters of a conv layer: ``K·(fh·fw·C/groups) + K`` (the ``+ K`` only with bias)."""
    c = check_int("input channels", in_channels, 1)
    k = check_int("output channels", out_channels, 1)
    g = check_int("groups", groups, 1)
    fh, fw = pair("kernel size", kernel_size)
    if c % g or k % g:
        raise CnnvizError("groups_must_divide", groups=g, in_channels=c, out_channels=k)
    return k * fh * fw * (c // g) + (k if bias else 0)


def dense_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """Learnable parameters of a dense (fully connected) layer: ``in·out + out``."""
    i = check_int("input features", in_features, 1)
    o = check_int("output features", out_features, 1)
    return i * o + (o if bias else 0)
