"""Cost models of ``semopt.models``: layer FLOPs, the radio channel and the delay kernels.

Every fast (Numba) formula is checked against hand-computed values or a plain
Python transcription of the paper's equation (Zheng et al., eq 1-7 and 27).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import carriers, gains

from semopt.models.channel import (
    channel_gains,
    db_to_linear,
    dbm_to_watt,
    path_loss_db,
    subcarrier_rates,
    subcarrier_rates_reference,
    user_rates,
)
from semopt.models.latency import delays_given_rates
from semopt.models.layers import (
    conv2d_flops,
    conv2d_macs,
    conv_chain_flops,
    conv_output_size,
    extraction_flops,
    linear_flops,
    recognition_flops,
    reconstruction_flops,
)

# ---------------------------------------------------------------------------
# Plain-Python transcriptions of Zheng et al.'s eq 4-6 (the "obviously correct" twins)
# ---------------------------------------------------------------------------


def eq_conv_terms(a, c, filters, w, h, kernels):
    """sum_d 2 A L^d (W_d - k_d + 1)(H_d - k_d + 1) C k_d^2, stride 1, no padding."""
    total = 0.0
    for k in kernels:
        if k <= 0:  # padding of ragged arrays: no layer
            continue
        w_out, h_out = w - k + 1, h - k + 1
        total += 2 * a * filters * w_out * h_out * c * k * k
        w, h = w_out, h_out
    return total, w, h


def eq4(a, c, filters, w, h, kernels, k_fc, fc_tail):
    """Eq 4 (and eq 6, same form): conv chain + A C W_out H_out k^R + sum k_in k_out."""
    conv, w_out, h_out = eq_conv_terms(a, c, filters, w, h, kernels)
    return conv + a * c * w_out * h_out * k_fc + sum(k_in * k_out for k_in, k_out in fc_tail)


# ---------------------------------------------------------------------------
# General layer formulas
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "dilation", "expected"),
    [
        (224, 11, 4, 2, 1, 55),  # AlexNet conv1
        (55, 3, 2, 0, 1, 27),  # AlexNet max-pool 1
        (224, 3, 1, 1, 1, 224),  # VGG 3x3 "same" conv
        (224, 7, 2, 3, 1, 112),  # ResNet stem
        (112, 3, 2, 1, 1, 56),  # ResNet max-pool
        (32, 3, 1, 0, 2, 28),  # dilated 3x3 acts as 5x5
        (28, 5, 1, 0, 1, 24),  # Zheng et al.: W - k + 1
    ],
)
def test_conv_output_size_known_layers(size, kernel, stride, padding, dilation, expected):
    assert conv_output_size(size, kernel, stride, padding, dilation) == expected


def test_conv2d_alexnet_conv1_by_hand():
    # 3 -> 64 channels, 224x224 input, 11x11 kernel, stride 4, padding 2 -> 55x55 output.
    macs = 64 * 55 * 55 * 3 * 11 * 11
    assert macs == 70_276_800
    assert conv2d_macs(3, 64, 224, 224, 11, 11, 4, 2) == macs
    assert conv2d_flops(3, 64, 224, 224, 11, 11, 4, 2) == 2 * macs
    # bias adds one addition per output element
    assert conv2d_flops(3, 64, 224, 224, 11, 11, 4, 2, 1, True) == 2 * macs + 64 * 55 * 55


def test_conv2d_non_square_and_grouped():
    # 16 -> 32, 10x20 input, 3x5 kernel, stride 1, no padding: 8x16 output
    assert conv2d_macs(16, 32, 10, 20, 3, 5) == 32 * 8 * 16 * 16 * 3 * 5
    # depthwise 3x3 (MobileNet): groups = channels, so each output sees one input channel
    assert conv2d_macs(32, 32, 112, 112, 3, 3, 1, 1, 32) == 32 * 112 * 112 * 1 * 9
    # two groups halve the MACs of the dense layer
    dense = conv2d_macs(64, 128, 28, 28, 3, 3, 1, 1, 1)
    assert conv2d_macs(64, 128, 28, 28, 3, 3, 1, 1, 2) == dense / 2


def test_linear_flops_by_hand():
    assert linear_flops(4096, 1000) == 2 * 4096 * 1000
    assert linear_flops(4096, 1000, True) == 2 * 4096 * 1000 + 1000
    assert linear_flops(1, 1) == 2.0


# ---------------------------------------------------------------------------
# Zheng et al.'s eq 4-6
# ---------------------------------------------------------------------------


def test_conv_chain_flops_by_hand():
    # One 3x3 layer of 96 filters on a 1x3x10x10 input: 2*1*96*8*8*3*9
    flops, w, h = conv_chain_flops(1.0, 3.0, 96.0, 10.0, 10.0, np.array([3.0]))
    assert flops == 2 * 96 * 8 * 8 * 3 * 9
    assert (w, h) == (8.0, 8.0)
    # Then a 5x5 layer on the 8x8 map (still C = 3: the paper's eq keeps C_i)
    flops, w, h = conv_chain_flops(1.0, 3.0, 96.0, 10.0, 10.0, np.array([3.0, 5.0]))
    assert flops == 2 * 96 * 8 * 8 * 3 * 9 + 2 * 96 * 4 * 4 * 3 * 25
    assert (w, h) == (4.0, 4.0)
    # No layer at all: zero FLOPs, shape unchanged
    assert conv_chain_flops(1.0, 3.0, 96.0, 10.0, 12.0, np.zeros(3)) == (0.0, 10.0, 12.0)


kernel_sizes = st.sampled_from([0.0, 1.0, 3.0, 5.0, 7.0])


@given(
    a=st.integers(1, 3),
    c=st.integers(1, 4),
    filters=st.integers(1, 128),
    w=st.integers(40, 500),
    h=st.integers(40, 500),
    kernels=st.lists(kernel_sizes, min_size=0, max_size=5),
)
def test_conv_chain_flops_matches_python_loop(a, c, filters, w, h, kernels):
    # Zero entries anywhere in the chain are absent layers.
    flops, w_out, h_out = conv_chain_flops(float(a), float(c), float(filters), float(w), float(h),
                                           np.array(kernels, dtype=float))
    expected, w_exp, h_exp = eq_conv_terms(a, c, filters, w, h, kernels)
    assert flops == pytest.approx(expected, rel=1e-12)
    assert (w_out, h_out) == (w_exp, h_exp)


@st.composite
def task_sets(draw, max_tasks=4, max_layers=5):
    """Random small tasks for eq 4-6: ragged kernel lists padded with zeros at the end."""
    n = draw(st.integers(1, max_tasks))
    a = [draw(st.integers(1, 2)) for _ in range(n)]
    c = [draw(st.integers(1, 4)) for _ in range(n)]
    w = [draw(st.integers(40, 300)) for _ in range(n)]
    h = [draw(st.integers(40, 300)) for _ in range(n)]
    ragged = [draw(st.lists(st.sampled_from([1.0, 3.0, 5.0]), min_size=1, max_size=max_layers))
              for _ in range(n)]
    kernels = np.zeros((n, max_layers))
    for i, ks in enumerate(ragged):
        kernels[i, :len(ks)] = ks
    filters = draw(st.integers(1, 128))
    k_fc = draw(st.integers(1, 20))
    tail = draw(st.lists(st.tuples(st.integers(1, 100), st.integers(1, 100)), max_size=3))
    return dict(a=a, c=c, w=w, h=h, ragged=ragged, kernels=kernels, filters=filters, k_fc=k_fc,
                tail=tail)


def _arrays(t):
    fc_tail = np.array(t["tail"], dtype=float).reshape(-1, 2)
    return (np.array(t["a"], dtype=float), np.array(t["c"], dtype=float), float(t["filters"]),
            np.array(t["w"], dtype=float), np.array(t["h"], dtype=float), t["kernels"],
            float(t["k_fc"]), fc_tail)


@given(task_sets())
def test_recognition_flops_is_eq4(t):
    got = recognition_flops(*_arrays(t))
    expected = [eq4(t["a"][i], t["c"][i], t["filters"], t["w"][i], t["h"][i], t["ragged"][i],
                    t["k_fc"], t["tail"]) for i in range(len(t["a"]))]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@given(task_sets())
def test_extraction_flops_is_eq5(t):
    a, c, filters, w, h, kernels, _, _ = _arrays(t)
    flops, w_out, h_out = extraction_flops(a, c, filters, w, h, kernels)
    for i in range(len(t["a"])):
        exp, w_exp, h_exp = eq_conv_terms(t["a"][i], t["c"][i], t["filters"], t["w"][i], t["h"][i],
                                          t["ragged"][i])
        assert flops[i] == pytest.approx(exp, rel=1e-12)
        # the output shape feeds reconstruction: W_in - sum(k_d - 1)
        assert w_out[i] == w_exp == t["w"][i] - sum(k - 1 for k in t["ragged"][i])
        assert h_out[i] == h_exp


@given(task_sets())
def test_reconstruction_flops_is_eq6(t):
    got = reconstruction_flops(*_arrays(t))
    expected = [eq4(t["a"][i], t["c"][i], t["filters"], t["w"][i], t["h"][i], t["ragged"][i],
                    t["k_fc"], t["tail"]) for i in range(len(t["a"]))]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_recognition_flops_by_hand_one_task():
    # A=1, C=3, L=96, 32x32 input, layers 5 then 3: outputs 28x28 then 26x26;
    # first FC layer 10 outputs, one further FC layer 10 -> 5.
    conv = 2 * 96 * 28 * 28 * 3 * 25 + 2 * 96 * 26 * 26 * 3 * 9
    fc = 1 * 3 * 26 * 26 * 10 + 10 * 5
    got = recognition_flops(np.array([1.0]), np.array([3.0]), 96.0, np.array([32.0]), np.array([32.0]),
                            np.array([[5.0, 3.0, 0.0]]), 10.0, np.array([[10.0, 5.0]]))
    assert got[0] == conv + fc


def test_deeper_exit_costs_more():
    # Eq 4 / remark 2: exiting after more layers never costs less (same task, same kernels).
    a, c, w = np.ones(3), np.full(3, 3.0), np.full(3, 224.0)
    kernels = np.array([[3.0, 5.0, 3.0, 0.0, 0.0], [3.0, 5.0, 3.0, 5.0, 0.0], [3.0, 5.0, 3.0, 5.0, 3.0]])
    flops = recognition_flops(a, c, 96.0, w, w, kernels, 10.0, np.zeros((0, 2)))
    assert flops[0] < flops[1] < flops[2]


# ---------------------------------------------------------------------------
# Channel: path loss eq 27, shadowing, fading, SINR eq 1, rate eq 2
# ---------------------------------------------------------------------------


def test_unit_conversions():
    np.testing.assert_allclose(db_to_linear([0.0, 10.0, -30.0]), [1.0, 10.0, 1e-3])
    np.testing.assert_allclose(dbm_to_watt([30.0, 0.0, 20.0]), [1.0, 1e-3, 0.1])
    # -174 dBm/Hz, the paper's N_0
    assert dbm_to_watt(-174.0) == pytest.approx(10 ** (-17.4) * 1e-3, rel=1e-12)


def test_path_loss_eq27_known_points():
    assert path_loss_db(1000.0, 1e6) == pytest.approx(42.6, abs=1e-12)
    # doubling the distance adds 26 lg 2 dB, doubling the frequency 20 lg 2 dB
    assert path_loss_db(2000.0, 1e6) - path_loss_db(1000.0, 1e6) == pytest.approx(26 * math.log10(2))
    assert path_loss_db(1000.0, 2e6) - path_loss_db(1000.0, 1e6) == pytest.approx(20 * math.log10(2))
    # 100 m at 2.4 GHz (Table III's carrier)
    assert path_loss_db(100.0, 2.4e9) == pytest.approx(42.6 - 26.0 + 20 * math.log10(2400.0))
    # vectorised over distances
    np.testing.assert_allclose(path_loss_db(np.array([1000.0, 10_000.0]), 1e6), [42.6, 68.6])


def _distances(n_users=20, n_bs=4, seed=0):
    return np.random.default_rng(seed).uniform(10.0, 700.0, size=(n_users, n_bs))


def test_channel_gains_shape_and_no_randomness_when_off():
    d = _distances()
    gain = channel_gains(np.random.default_rng(0), d, 2.4e9, 5, shadowing_db=0.0, fading=False)
    assert gain.shape == (20, 4, 5)
    # pure path loss, the same on every subcarrier
    expected = db_to_linear(-path_loss_db(d, 2.4e9))
    np.testing.assert_allclose(gain, np.repeat(expected[:, :, None], 5, axis=2), rtol=1e-12)


def test_channel_gains_mean_fading_is_one():
    d = _distances()
    gain = channel_gains(np.random.default_rng(1), d, 2.4e9, 256, shadowing_db=0.0, fading=True)
    ratio = gain / db_to_linear(-path_loss_db(d, 2.4e9))[:, :, None]
    # |h|^2 ~ Exp(1): 20480 draws, standard error of the mean ~0.007
    assert ratio.mean() == pytest.approx(1.0, abs=0.05)
    assert np.mean(ratio > 1.0) == pytest.approx(math.exp(-1.0), abs=0.03)
    # fading varies per subcarrier
    assert np.all(ratio.std(axis=2) > 0)


def test_channel_gains_shadowing_is_per_link_normal_8db():
    d = _distances(n_users=500)
    gain = channel_gains(np.random.default_rng(2), d, 2.4e9, 3, shadowing_db=8.0, fading=False)
    # without fading, shadowing is a per-link draw, identical across subcarriers
    np.testing.assert_array_equal(gain, np.repeat(gain[:, :, :1], 3, axis=2))
    residual_db = -10 * np.log10(gain[:, :, 0]) - path_loss_db(d, 2.4e9)
    assert residual_db.mean() == pytest.approx(0.0, abs=0.6)
    assert residual_db.std() == pytest.approx(8.0, abs=0.6)


def test_channel_gains_deterministic_for_a_seed():
    d = _distances()
    g1 = channel_gains(np.random.default_rng(42), d, 2.4e9, 4)
    g2 = channel_gains(np.random.default_rng(42), d, 2.4e9, 4)
    g3 = channel_gains(np.random.default_rng(43), d, 2.4e9, 4)
    np.testing.assert_array_equal(g1, g2)
    assert not np.array_equal(g1, g3)
    assert np.all(g1 > 0)


@st.composite
def rate_inputs(draw):
    n_users, n_bs, n_sub = draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return (draw(carriers(n_users, n_bs, n_sub)), draw(gains(n_users, n_bs, n_sub)),
            draw(st.floats(0.01, 1.0)), draw(st.floats(1e-15, 1e-9)), draw(st.floats(1e4, 1e7)))


@given(rate_inputs())
def test_subcarrier_rates_numba_equals_reference(args):
    carrier, gain, power, noise, bandwidth = args
    fast = subcarrier_rates(carrier, gain, power, noise, bandwidth)
    ref = subcarrier_rates_reference(carrier, gain, power, noise, bandwidth)
    np.testing.assert_allclose(fast, ref, rtol=1e-12, atol=0.0)
    # free subcarriers carry nothing, occupied ones something
    assert np.all(fast[carrier < 0] == 0.0)
    assert np.all(fast[carrier >= 0] > 0.0)


def _gain_table():
    # gain[u, k, n] = distinct values so a wrong index is visible
    return np.array([
        [[1e-6, 2e-6], [3e-9, 4e-9], [5e-9, 6e-9]],
        [[7e-9, 8e-9], [9e-7, 1e-6], [2e-9, 3e-9]],
        [[4e-9, 5e-9], [6e-9, 7e-9], [8e-7, 9e-7]],
    ])


def test_user_alone_on_subcarrier_gets_noise_only_rate():
    gain = _gain_table()
    power, noise, bw = 0.1, 1e-10, 1e6
    # user 0 at BS 0 on subcarrier 0; user 1 at BS 1 on subcarrier 1 only: no co-channel user
    carrier = np.array([[0, -1], [-1, 1], [-1, -1]])
    rate = subcarrier_rates(carrier, gain, power, noise, bw)
    assert rate[0, 0] == pytest.approx(bw * math.log2(1 + power * 1e-6 / noise), rel=1e-12)
    assert rate[1, 1] == pytest.approx(bw * math.log2(1 + power * 1e-6 / noise), rel=1e-12)
    # a second subcarrier of the *same* BS used by the same user is orthogonal: no interference
    carrier = np.array([[0, 0], [-1, -1], [-1, -1]])
    rate = subcarrier_rates(carrier, gain, power, noise, bw)
    assert rate[0, 0] == pytest.approx(bw * math.log2(1 + power * 1e-6 / noise), rel=1e-12)
    assert rate[0, 1] == pytest.approx(bw * math.log2(1 + power * 2e-6 / noise), rel=1e-12)


def test_interference_comes_from_other_bss_through_gain_to_victim_bs():
    gain = _gain_table()
    power, noise, bw = 0.1, 1e-10, 1e6
    # subcarrier 0 is used at all three BSs by users 0, 1, 2 (each at its own BS)
    carrier = np.array([[0, -1], [1, -1], [2, -1]])
    rate = subcarrier_rates(carrier, gain, power, noise, bw)
    # victim BS 0: interferers 1 and 2 through gain[1, 0, 0], gain[2, 0, 0]
    sinr0 = power * gain[0, 0, 0] / (power * (gain[1, 0, 0] + gain[2, 0, 0]) + noise)
    sinr1 = power * gain[1, 1, 0] / (power * (gain[0, 1, 0] + gain[2, 1, 0]) + noise)
    sinr2 = power * gain[2, 2, 0] / (power * (gain[0, 2, 0] + gain[1, 2, 0]) + noise)
    np.testing.assert_allclose(rate[:, 0], bw * np.log2(1 + np.array([sinr0, sinr1, sinr2])), rtol=1e-12)
    np.testing.assert_array_equal(rate[:, 1], 0.0)
    # interference only lowers the rate
    alone = bw * math.log2(1 + power * gain[0, 0, 0] / noise)
    assert rate[0, 0] < alone


@given(rate_inputs())
def test_user_rates_sums_per_user(args):
    carrier, gain, power, noise, bandwidth = args
    n_users = gain.shape[0]
    rate = subcarrier_rates(carrier, gain, power, noise, bandwidth)
    got = user_rates(carrier, rate, n_users)
    expected = np.zeros(n_users)
    for k in range(carrier.shape[0]):
        for n in range(carrier.shape[1]):
            if carrier[k, n] >= 0:
                expected[carrier[k, n]] += rate[k, n]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    held = np.isin(np.arange(n_users), carrier)
    assert np.all(got[~held] == 0.0)


# ---------------------------------------------------------------------------
# Delays eq 3 + 7
# ---------------------------------------------------------------------------


def test_delays_given_rates_by_hand():
    rate = np.array([1e6, 2e6, 0.0])
    semantic = np.array([False, True, True])
    compute = np.array([1e9, 2e9, 1e9])
    data_raw = np.array([8e6, 8e6, 8e6])
    data_sem = data_raw / 4
    edge_raw = np.array([1e9, 1e9, 1e9])
    edge_sem = np.array([3e9, 3e9, 3e9])
    local_sem = np.array([0.25, 0.25, 0.25])
    comm, comp = delays_given_rates(rate, semantic, compute, data_raw, data_sem, edge_raw, edge_sem,
                                    local_sem)
    np.testing.assert_allclose(comm[:2], [8.0, 1.0])
    np.testing.assert_allclose(comp, [1.0, 1.5 + 0.25, 3.0 + 0.25])
    assert comm[2] == np.inf  # no rate: infinite delay
    comm, comp = delays_given_rates(rate, semantic, np.zeros(3), data_raw, data_sem, edge_raw, edge_sem,
                                    local_sem)
    assert np.all(comp == np.inf)  # no edge compute: infinite delay
