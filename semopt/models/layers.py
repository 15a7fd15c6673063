"""FLOP counts of convolutional and fully-connected layers, Numba-compiled.

Two families of formulas live here:

* the general layer formulas (input/output channels, kernel, stride,
  padding, groups) that the DNN network specs of later problem families use;
* the formulas of Zheng et al. (References) **as written**: eq 4
  (recognition up to an exit point), eq 5 (semantic extraction at the
  device) and eq 6 (semantic reconstruction at the edge).

Symbol table for eq 4-6 (per task i): ``A`` feature maps, ``C`` channels,
``L`` convolution filters per layer (the paper's ``D``), ``W, H`` input
shape, ``k_d`` square kernel of layer d, stride 1, no padding so
``W_{d+1} = W_d - k_d + 1``; ``k_fc`` the output size of the first fully
connected layer (``k^R``, ``k^C``) and ``fc_tail`` the ``(k_in, k_out)``
pairs of the further fully connected layers (``D^R``, ``D^C``).

Notes
-----
As the paper writes them, eq 4-6 multiply every convolution layer by the
*input* channel count ``C_i`` (not by the previous layer's filter count) and
count the fully connected layers as ``in x out`` without the factor 2; we
keep both choices so that figures match the paper's model.  The general
:func:`conv2d_flops` counts ``2 x MACs`` with true channel counts.

References
----------
.. [1] Y. Zheng, T. Zhang, X. Mu, Y. Liu, R. Huang, "Joint Semantic
   Transmission and Resource Allocation for Intelligent Computation Task
   Offloading in MEC Systems", arXiv:2503.08001, 2025, eq 4-6.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "conv_output_size",
    "conv2d_macs",
    "conv2d_flops",
    "linear_flops",
    "linear_macs",
    "pool_output_size",
    "conv_chain_flops",
    "recognition_flops",
    "extraction_flops",
    "reconstruction_flops",
]


@njit(cache=True)
def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Spatial output size of a convolution or pooling window (PyTorch's formula)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


@njit(cache=True)
def conv2d_macs(
    c_in: int, c_out: int, h_in: int, w_in: int, k_h: int, k_w: int,
    stride: int = 1, padding: int = 0, groups: int = 1,
) -> float:
    """Multiply-accumulates of a 2-D convolution: ``c_out * H_out * W_out * (c_in/groups) * k_h * k_w``."""
    h_out = conv_output_size(h_in, k_h, stride, padding)
    w_out = conv_output_size(w_in, k_w, stride, padding)
    return float(c_out) * h_out * w_out * (c_in // groups) * k_h * k_w


@njit(cache=True)
def conv2d_flops(
    c_in: int, c_out: int, h_in: int, w_in: int, k_h: int, k_w: int,
    stride: int = 1, padding: int = 0, groups: int = 1, bias: bool = False,
) -> float:
    """FLOPs of a 2-D convolution: ``2 x MACs`` (+ one add per output element with ``bias``)."""
    flops = 2.0 * conv2d_macs(c_in, c_out, h_in, w_in, k_h, k_w, stride, padding, groups)
    if bias:
        h_out = conv_output_size(h_in, k_h, stride, padding)
        w_out = conv_output_size(w_in, k_w, stride, padding)
        flops += float(c_out) * h_out * w_out
    return flops


@njit(cache=True)
def linear_flops(n_in: int, n_out: int, bias: bool = False) -> float:
    """FLOPs of a fully connected layer: ``2 x n_in x n_out`` (+ ``n_out`` with ``bias``)."""
    return 2.0 * n_in * n_out + (float(n_out) if bias else 0.0)


@njit(cache=True)
def linear_macs(n_in: int, n_out: int) -> float:
    """Multiply-accumulates of a fully connected layer: ``n_in x n_out`` (the bias add is not a MAC)."""
    return float(n_in) * n_out


@njit(cache=True)
def pool_output_size(size: int, kernel: int, stride: int, padding: int = 0, ceil_mode: bool = False) -> int:
    """Spatial output size of a max or average pooling window (PyTorch's formula).

    With ``ceil_mode`` the division rounds up, but the last window must still
    start inside the input or its left padding (``torch.nn.MaxPool2d``).
    """
    span = size + 2 * padding - kernel
    if span < 0:
        return 0
    if ceil_mode:
        out = (span + stride - 1) // stride + 1
        if (out - 1) * stride >= size + padding:
            out -= 1
        return out
    return span // stride + 1


@njit(cache=True)
def conv_chain_flops(a: float, c: float, filters: float, w: float, h: float, kernels: np.ndarray):
    """Sum of Zheng et al.'s per-layer conv term over a chain of layers.

    ``sum_d 2 A L (W_d - k_d + 1)(H_d - k_d + 1) C k_d^2`` with
    ``W_{d+1} = W_d - k_d + 1``; entries ``<= 0`` in ``kernels`` mark absent
    layers (padding of ragged per-task arrays).  Returns ``(flops, W_out, H_out)``.
    """
    total = 0.0
    for d in range(kernels.shape[0]):
        k = kernels[d]
        if k <= 0:
            continue
        w_out = w - k + 1.0
        h_out = h - k + 1.0
        total += 2.0 * a * filters * w_out * h_out * c * k * k
        w, h = w_out, h_out
    return total, w, h


@njit(cache=True)
def _fc_terms(a: float, c: float, w: float, h: float, k_fc: float, fc_tail: np.ndarray) -> float:
    total = a * c * w * h * k_fc
    for j in range(fc_tail.shape[0]):
        total += fc_tail[j, 0] * fc_tail[j, 1]
    return total


@njit(cache=True)
def recognition_flops(a, c, filters, w, h, kernels, k_fc, fc_tail):
    """Eq 4 of Zheng et al.: FLOPs of recognition up to the task's exit point, for many tasks.

    Parameters are arrays over tasks (``kernels`` is ``[I, max_layers]``,
    0-padded; its non-zero entries are the ``|D_{m_i}|`` layers before the
    exit); ``filters``, ``k_fc`` and ``fc_tail`` (``[J, 2]``) are shared.
    """
    n = w.shape[0]
    out = np.empty(n)
    for i in range(n):
        conv, w_last, h_last = conv_chain_flops(a[i], c[i], filters, w[i], h[i], kernels[i])
        out[i] = conv + _fc_terms(a[i], c[i], w_last, h_last, k_fc, fc_tail)
    return out


@njit(cache=True)
def extraction_flops(a, c, filters, w, h, kernels):
    """Eq 5 of Zheng et al.: FLOPs of semantic extraction and compression at the device.

    Returns ``(flops[I], W_out[I], H_out[I])``; the output shape is the input
    of semantic reconstruction (``s_i^C``).
    """
    n = w.shape[0]
    out = np.empty(n)
    w_out = np.empty(n)
    h_out = np.empty(n)
    for i in range(n):
        out[i], w_out[i], h_out[i] = conv_chain_flops(a[i], c[i], filters, w[i], h[i], kernels[i])
    return out, w_out, h_out


@njit(cache=True)
def reconstruction_flops(a, c, filters, w, h, kernels, k_fc, fc_tail):
    """Eq 6 of Zheng et al.: FLOPs of semantic reconstruction at the edge (same shape as eq 4)."""
    return recognition_flops(a, c, filters, w, h, kernels, k_fc, fc_tail)
