"""cnnviz: convolution arithmetic made visible — the numpy engine behind the app.

Arrays are channels-first: an image is ``(H, W)``, ``(C, H, W)`` or a batch ``(N, C, H, W)``;
kernels are ``(fh, fw)`` or ``(K, C, fh, fw)``. ``padding`` always means per side.
"""
from .conv import conv2d, conv2d_loop
from .padding import pad2d
from .params import conv2d_params, dense_params
from .pool import pool2d
from .shapes import (
    conv_geometry,
    conv_output_size,
    conv_transpose_output_size,
    coverage,
    pool_geometry,
    pool_output_size,
    resolve_padding,
)
from .transpose import conv_transpose2d
from .trace import ConvStep, PoolStep, Trace, conv2d_steps, conv2d_trace, format_number, pool2d_steps, pool2d_trace

__all__ = [
    "ConvStep", "PoolStep", "Trace", "conv2d", "conv2d_loop", "conv2d_params", "conv2d_steps", "conv2d_trace",
    "conv_geometry", "conv_output_size", "conv_transpose2d", "conv_transpose_output_size", "coverage", "dense_params",
    "format_number", "pad2d", "pool2d", "pool2d_steps", "pool2d_trace", "pool_geometry", "pool_output_size",
    "resolve_padding",
]
