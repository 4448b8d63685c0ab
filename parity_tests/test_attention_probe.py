"""Attention, differential probe: `F.scaled_dot_product_attention`, `nn.MultiheadAttention`,
`nn.TransformerEncoderLayer` and `nn.TransformerEncoder` run on both libraries.

What this proves:
- scaled_dot_product_attention gives torch's values and gradients (query, key, value) for bool and float masks
  (broadcast), `is_causal`, `scale` (negative and 0 too), grouped-query heads (`enable_gqa`), float16, empty
  sizes and rows that may attend nothing (0, not NaN); with `dropout_p` it draws torch's dropout mask; it
  raises torch's errors (dtypes, dims, mask dtypes and shapes, arguments' types, GQA heads);
- MultiheadAttention, seeded alike, has torch's parameters (names, shapes, values: torch's order of draws) and
  gives torch's outputs, attention weights and every gradient for packed or separate (`kdim`, `vdim`)
  projections, `bias`, `add_bias_kv`, `add_zero_attn`, `batch_first`, unbatched inputs, both masks (bool or
  float, and torch's deprecation warning when their types differ), `need_weights`, `average_attn_weights`,
  `is_causal`, dropout in training; with torch's checks of shapes and masks;
- TransformerEncoderLayer and TransformerEncoder (seeded alike) give torch's outputs and gradients in train
  (dropout included) and eval mode, `norm_first`, activations, `bias`, masks and causal-mask detection, and
  torch's warning when `enable_nested_tensor` cannot be used;
- in inference (eval, no grad) torch takes fused paths whose values differ from the formula in two places,
  matched: a query that may attend nothing gives NaN (not 0), and a nested-tensor encoder returns zeros at
  padded positions (torch's once-a-process warning is given too; a new process per check is too slow here).
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

import minitorch_ref as mt
from parity_tests.outcomes import assert_matches_torch

TOLERANCES = {"float16": (1e-2, 1e-2), "float32": (2e-4, 2e-5), "float64": (1e-9, 1e-11)}
Q, K, V = (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)


def arrays(*shapes: tuple, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in shapes]


def leaves(m, values: list, dtype: str = "float64", grad: bool = True) -> list:
    return [m.tensor(v, dtype=getattr(m, dtype), requires_grad=grad) for v in values]


def backward(m, out) -> None:
    """A backward through `out` with an upstream gradient that is not all ones (so that sums cannot hide errors)."""
    weights = np.arange(out.numel()).reshape(tuple(out.shape)) % 5 - 2.0
    (out * m.tensor(weights, dtype=out.dtype)).sum().backward()


def mask_of(m, value: np.ndarray | None, dtype: str):
    if value is None:
        return None
    return m.tensor(value) if value.dtype == bool else m.tensor(value, dtype=getattr(m, dtype))


# --------------------------------------------------------------------------- scaled_dot_product_attention
rng = np.random.default_rng(1)
SDPA_CASES = [
    (Q, K, V, None, {}),
    ((4, 5), (6, 5), (6, 7), None, {}),
    ((2, 4, 5), (1, 6, 5), (1, 6, 7), None, {}),  # (the batch broadcasts)
    (Q, K, V, rng.random((4, 6)) < 0.6, {}),
    (Q, K, V, rng.random((1, 6)) < 0.6, {}),
    (Q, K, V, rng.standard_normal((2, 3, 4, 6)), {}),
    (Q, K, V, np.zeros((4, 6), bool), {}),  # nothing to attend: 0
    (Q, K, V, np.array([[0.0] * 6, [-np.inf] * 6] * 2), {}),
    (Q, K, V, None, {"is_causal": True}),
    ((2, 3, 7, 5), K, V, None, {"is_causal": True}),  # L > S: the first rows see nothing
    (Q, K, V, None, {"scale": 0.3}),
    (Q, K, V, None, {"scale": -0.7}),
    (Q, K, V, None, {"scale": 0.0}),
    ((2, 4, 3, 5), (2, 2, 6, 5), (2, 2, 6, 7), None, {"enable_gqa": True}),
    ((2, 4, 3, 5), (2, 1, 6, 5), (2, 2, 6, 7), rng.random((3, 6)) < 0.7, {"enable_gqa": True}),
    ((2, 3, 4, 0), (2, 3, 6, 0), V, None, {}),
    ((2, 3, 0, 5), K, V, None, {}),
    (Q, (2, 3, 0, 5), (2, 3, 0, 7), None, {}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("q, k, v, mask, options", SDPA_CASES)
def test_sdpa_values_and_gradients(q, k, v, mask, options, dtype):
    def program(m):
        query, key, value = leaves(m, arrays(q, k, v), dtype)
        out = m.nn.functional.scaled_dot_product_attention(query, key, value, mask_of(m, mask, dtype), **options)
        backward(m, out)
        return out.detach(), query.grad, key.grad, value.grad
    assert_matches_torch(program, tolerance=TOLERANCES[dtype])


def test_sdpa_float16_is_computed_in_float32():
    def program(m):
        query, key, value = leaves(m, arrays(Q, K, V), "float16", grad=False)
        return m.nn.functional.scaled_dot_product_attention(query, key, value, m.ones(4, 6, dtype=m.bool).tril())
    assert_matches_torch(program, tolerance=TOLERANCES["float16"])


@pytest.mark.parametrize("options", [{}, {"is_causal": True}])
def test_sdpa_dropout_draws_torchs_mask(options):
    def program(m):
        m.manual_seed(3)
        query, key, value = leaves(m, arrays(Q, K, V), "float32")
        out = m.nn.functional.scaled_dot_product_attention(query, key, value, dropout_p=0.4, **options)
        backward(m, out)
        return out.detach(), query.grad, value.grad, m.rand(2)
    assert_matches_torch(program, tolerance=TOLERANCES["float32"])


def sdpa(m, shapes=(Q, K, V), dtypes=("float32",) * 3, *args, **kwargs):
    tensors = [m.tensor(a, dtype=getattr(m, d)) for a, d in zip(arrays(*shapes), dtypes)]
    return m.nn.functional.scaled_dot_product_attention(*tensors, *args, **kwargs)


@pytest.mark.parametrize("program", [
    lambda m: sdpa(m, (Q, K, V), ("float64", "float32", "float32")),
    lambda m: sdpa(m, ((5,), K, V)),
    lambda m: sdpa(m, (Q, (2, 3, 6, 4), V)),
    lambda m: sdpa(m, (Q, K, (2, 3, 5, 7))),
    lambda m: sdpa(m, (Q, (3, 3, 6, 5), (3, 3, 6, 7))),
    lambda m: sdpa(m, (Q, K, V), ("int64",) * 3),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, m.zeros(4, 6, dtype=m.int64)),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, m.zeros(4, 6, dtype=m.float64)),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, m.zeros(4, 5)),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, m.zeros(1, 2, 3, 4, 6)),  # (added in place: cannot grow)
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, m.zeros(4, 6), is_causal=True),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, m.ones(6, dtype=m.bool)),  # (torch's CPU kernel choice)
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, m.tensor(True)),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, m.ones(6, dtype=m.bool), dropout_p=0.5),  # (no choice)
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, m.ones(6, dtype=m.bool), is_causal=True),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, None, 1.5),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, None, 0.0, 1),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, "mask"),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, scale="a"),
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, enable_gqa=1),
    lambda m: sdpa(m, ((4, 5), (6, 5), (6, 7)), ("float32",) * 3, enable_gqa=True),
    lambda m: sdpa(m, ((2, 4, 3, 5), (2, 3, 6, 5), (2, 3, 6, 7)), ("float32",) * 3, enable_gqa=True),
    lambda m: sdpa(m, ((2, 4, 3, 5), (2, 2, 6, 5), (2, 2, 6, 7)), ("float32",) * 3),  # (no GQA: no broadcast)
    lambda m: sdpa(m, (Q, K, V), ("float32",) * 3, None, 0.0, False, 0.5),
])
def test_sdpa_errors(program):
    assert_matches_torch(program)


# --------------------------------------------------------------------------- MultiheadAttention
def mha(m, seed: int = 0, **options):
    m.manual_seed(seed)
    return m.nn.MultiheadAttention(**options)


@pytest.mark.parametrize("options", [
    dict(embed_dim=6, num_heads=3),
    dict(embed_dim=4, num_heads=2, bias=False),
    dict(embed_dim=6, num_heads=2, add_bias_kv=True, kdim=2, vdim=5),
    dict(embed_dim=4, num_heads=4, vdim=3, dtype=torch.float64),
])
def test_mha_parameters_drawn_as_torch(options):
    """Names, shapes, values (out_proj's Linear init, then xavier_uniform_, zeros, xavier_normal_) and repr."""
    def program(m):
        kwargs = {**options, "dtype": getattr(m, str(options["dtype"]).split(".")[-1])} if "dtype" in options \
            else options
        module = mha(m, **kwargs)
        return [(name, p.detach()) for name, p in module.named_parameters()], repr(module), m.rand(2)
    assert_matches_torch(program, exact=True)


MHA_CASES = [  # (options, (query, key, value) shapes, same tensors, forward options, masks {name: array})
    (dict(embed_dim=4, num_heads=2), ((3, 2, 4), (5, 2, 4), (5, 2, 4)), None, {}, {}),
    (dict(embed_dim=4, num_heads=2), ((3, 2, 4),) * 3, "qkv", {"need_weights": False}, {}),
    (dict(embed_dim=6, num_heads=3, batch_first=True), ((2, 3, 6), (2, 4, 6), (2, 4, 6)), "kv",
     {"average_attn_weights": False}, {"key_padding_mask": np.array([[False, True, False, True]] * 2)}),
    (dict(embed_dim=4, num_heads=2, kdim=3, vdim=5), ((3, 2, 4), (4, 2, 3), (4, 2, 5)), None, {},
     {"attn_mask": np.random.default_rng(2).random((3, 4)) < 0.3}),
    (dict(embed_dim=4, num_heads=2, bias=False, add_bias_kv=True, add_zero_attn=True),
     ((3, 2, 4), (5, 2, 4), (5, 2, 4)), None, {"need_weights": False},
     {"key_padding_mask": np.random.default_rng(3).standard_normal((2, 5)),
      "attn_mask": np.random.default_rng(4).standard_normal((4, 3, 5))}),
    (dict(embed_dim=4, num_heads=2, add_zero_attn=True), ((3, 4), (5, 4), (5, 4)), None, {},
     {"key_padding_mask": np.array([True] * 5)}),  # unbatched; nothing left but the zero key
    (dict(embed_dim=4, num_heads=1), ((3, 4),) * 3, "qkv", {"need_weights": False, "is_causal": True},
     {"attn_mask": np.triu(np.ones((3, 3), bool), 1)}),
    (dict(embed_dim=4, num_heads=2, batch_first=True), ((2, 3, 4),) * 3, "qkv", {"is_causal": True},
     {"attn_mask": np.triu(np.full((3, 3), -np.inf), 1), "key_padding_mask": np.array([[0.0, 0, -1], [0, 0, 0]])}),
    (dict(embed_dim=4, num_heads=2), ((3, 2, 4), (5, 2, 4), (5, 2, 4)), None, {},  # types differ: a warning
     {"attn_mask": np.zeros((3, 5)), "key_padding_mask": np.array([[False] * 4 + [True]] * 2)}),
    (dict(embed_dim=4, num_heads=2), ((3, 2, 4), (5, 2, 4), (5, 2, 4)), None, {"need_weights": False},
     {"attn_mask": np.ones((3, 5), bool)}),  # nothing to attend: scaled_dot_product_attention's 0
    (dict(embed_dim=4, num_heads=2), ((3, 2, 4), (5, 2, 4), (5, 2, 4)), None, {},
     {"attn_mask": np.ones((3, 5), bool)}),  # the same with the weights: NaN, as torch
]


def run_mha(m, options: dict, shapes: tuple, same: str | None, forward: dict, masks: dict, dtype: str,
            train: bool = False, dropout: float = 0.0):
    module = mha(m, **options, dropout=dropout, dtype=getattr(m, dtype)).train(train)
    query, key, value = leaves(m, arrays(*shapes, seed=5), dtype)
    if same == "qkv":
        key = value = query
    elif same == "kv":
        value = key
    out, weights = module(query, key, value, **forward, **{k: mask_of(m, v, dtype) for k, v in masks.items()})
    backward(m, out)
    grads = [(name, p.grad) for name, p in module.named_parameters()]
    return out.detach(), None if weights is None else weights.detach(), grads, query.grad, key.grad, value.grad


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("options, shapes, same, forward, masks", MHA_CASES)
def test_mha_outputs_weights_and_gradients(options, shapes, same, forward, masks, dtype):
    assert_matches_torch(lambda m: run_mha(m, options, shapes, same, forward, masks, dtype), warnings=True,
                         tolerance=TOLERANCES[dtype])


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_dropout_in_training_draws_torchs_masks(need_weights):
    def program(m):
        result = run_mha(m, dict(embed_dim=4, num_heads=2), ((3, 2, 4), (5, 2, 4), (5, 2, 4)), None,
                         {"need_weights": need_weights}, {}, "float64", train=True, dropout=0.3)
        return result, m.rand(2)
    assert_matches_torch(program, tolerance=TOLERANCES["float64"])


def attend(m, shapes=((3, 2, 4), (5, 2, 4), (5, 2, 4)), options=None, **forward):
    module = mha(m, **(options or dict(embed_dim=4, num_heads=2)))
    return module(*[m.tensor(a, dtype=m.float32) for a in arrays(*shapes)], **forward)


@pytest.mark.parametrize("program", [
    lambda m: mha(m, embed_dim=0, num_heads=1),
    lambda m: mha(m, embed_dim=5, num_heads=2),
    lambda m: attend(m, ((4,), (4,), (4,))),
    lambda m: attend(m, ((2, 3, 4), (3, 4), (3, 4))),
    lambda m: attend(m, ((2, 4), (1, 3, 4), (3, 4))),
    lambda m: attend(m, ((2, 3, 6), (2, 3, 6), (2, 3, 6))),
    lambda m: attend(m, ((2, 3, 4), (5, 3, 4), (4, 3, 4))),
    lambda m: attend(m, ((2, 3, 4), (5, 3, 3), (5, 3, 3))),
    lambda m: attend(m, ((2, 3, 4), (5, 3, 2), (5, 3, 4)), dict(embed_dim=4, num_heads=2, kdim=3)),
    lambda m: attend(m, ((2, 3, 4), (5, 3, 3), (4, 3, 4)), dict(embed_dim=4, num_heads=2, kdim=3)),
    lambda m: attend(m, ((2, 3, 4), (5, 2, 4), (5, 2, 4))),
    lambda m: attend(m, key_padding_mask=m.zeros(5, dtype=m.bool)),
    lambda m: attend(m, key_padding_mask=m.zeros(3, 4, dtype=m.bool)),
    lambda m: attend(m, key_padding_mask=m.zeros(2, 5, dtype=m.bool)),
    lambda m: attend(m, key_padding_mask=m.zeros(2, 5, dtype=m.int64)),
    lambda m: attend(m, ((2, 4), (5, 4), (5, 4)), key_padding_mask=m.zeros(1, 5, dtype=m.bool)),
    lambda m: attend(m, attn_mask=m.zeros(1, 1, 3, 5, dtype=m.bool)),
    lambda m: attend(m, attn_mask=m.zeros(3, 4, dtype=m.bool)),
    lambda m: attend(m, attn_mask=m.zeros(3, 3, 5, dtype=m.bool)),
    lambda m: attend(m, ((2, 4), (5, 4), (5, 4)), attn_mask=m.zeros(3, 2, 5, dtype=m.bool)),
    lambda m: attend(m, attn_mask=m.zeros(3, 5, dtype=m.int32)),
    lambda m: attend(m, is_causal=True),
    lambda m: attend(m, ((0, 3, 4), (5, 3, 4), (5, 3, 4))),
    lambda m: attend(m, ((2, 0, 4), (3, 0, 4), (3, 0, 4))),
    lambda m: (lambda k: mha(m, embed_dim=4, num_heads=2)(m.ones(2, 3, 4), k, k))(m.ones(5, 3, 3)),
    lambda m: (lambda x: mha(m, embed_dim=4, num_heads=2)(x, x, x))(m.ones(2, 3, 4, dtype=m.float64)),
])
def test_mha_errors_and_edge_shapes(program):
    assert_matches_torch(program)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("masks", [
    {"key_padding_mask": np.array([[False, True, True], [True, True, True]])},
    {"attn_mask": np.array([[True, True, True], [False, True, False], [False, False, False]])},
    {"key_padding_mask": np.array([[0.0, -np.inf, 0.0], [-np.inf] * 3])},  # (float: no fused path)
])
def test_mha_fused_inference_path_gives_nan_where_nothing_is_attended(masks, need_weights):
    """Self-attention of a batch_first batch in eval mode without grad: torch's fused kernel (NaN rows)."""
    def program(m):
        module = mha(m, embed_dim=4, num_heads=2, batch_first=True).eval()
        x = m.tensor(arrays((2, 3, 4))[0], dtype=m.float32)
        with m.no_grad():
            return module(x, x, x, need_weights=need_weights, **{k: mask_of(m, v, "float32") for k, v in masks.items()})
    assert_matches_torch(program, tolerance=TOLERANCES["float32"])


# --------------------------------------------------------------------------- Transformer encoder
def encoder_program(layer_options: dict, shape: tuple, layers: int | None = None, train: bool = False,
                    grad: bool = True, dtype: str = "float64", mask: np.ndarray | None = None,
                    padding: np.ndarray | None = None, stack_options: dict | None = None, **forward):
    """A layer (or a stack of `layers`) seeded alike, run on one input; its output, then every gradient."""
    def program(m):
        m.manual_seed(2)
        options = dict(layer_options)
        if callable(options.get("activation")):
            options["activation"] = options["activation"](m)
        module = m.nn.TransformerEncoderLayer(**options, dtype=getattr(m, dtype))
        masks = {"src_mask": mask_of(m, mask, dtype), "src_key_padding_mask": mask_of(m, padding, dtype)}
        if layers is not None:
            module = m.nn.TransformerEncoder(module, layers, **(stack_options or {}))
            masks["mask"] = masks.pop("src_mask")
        module.train(train)
        x = leaves(m, arrays(shape, seed=7), dtype, grad=grad)[0]
        if not grad:
            with m.no_grad():
                return module(x, **masks, **forward), m.rand(2)
        out = module(x, **masks, **forward)
        backward(m, out)
        return out.detach(), [(name, p.grad) for name, p in module.named_parameters()], x.grad, m.rand(2)
    return program


causal = np.triu(np.full((3, 3), -np.inf), 1)
padding = np.array([[False, False, True], [False, False, False]])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layer_options, shape, kwargs", [
    (dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0), (3, 2, 4), {}),
    (dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0, batch_first=True, norm_first=True), (2, 3, 4),
     {"padding": padding}),
    (dict(d_model=6, nhead=3, dim_feedforward=5, dropout=0.0, activation="gelu", layer_norm_eps=1e-3), (3, 6),
     {"mask": np.random.default_rng(0).random((3, 3)) < 0.4}),
    (dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0, activation=lambda m: m.nn.functional.silu,
          bias=False), (3, 2, 4), {"mask": causal, "is_causal": True}),
    (dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.2, batch_first=True), (2, 3, 4),
     {"train": True, "padding": padding}),
    (dict(d_model=4, nhead=1, dim_feedforward=6, dropout=0.1, norm_first=True), (3, 2, 4),
     {"train": True, "mask": causal}),
])
@pytest.mark.parametrize("layers", [None, 2])
def test_encoder_outputs_and_gradients(layer_options, shape, kwargs, layers, dtype):
    assert_matches_torch(encoder_program(layer_options, shape, layers, dtype=dtype, **kwargs), warnings=True,
                         tolerance=TOLERANCES[dtype])


@pytest.mark.parametrize("layer_options, layers, kwargs", [
    (dict(d_model=4, nhead=2, dim_feedforward=6, batch_first=True), None,  # (the layer's fused path)
     {"mask": np.array([[True, True, True], [False, True, False], [False, False, False]])}),
    (dict(d_model=4, nhead=2, dim_feedforward=6, batch_first=True, activation=lambda m: m.nn.GELU("tanh")), None,
     {}),  # (its fused kernel's gelu is the exact one)
    (dict(d_model=4, nhead=2, dim_feedforward=6, batch_first=True), 2,  # nested tensors: padded positions 0
     {"padding": padding, "stack_options": {"norm": None}}),
    (dict(d_model=4, nhead=2, dim_feedforward=6, batch_first=True), 1,  # not left-aligned: no nested tensor
     {"padding": np.array([[True, False, False], [False, False, False]])}),
    (dict(d_model=4, nhead=2, dim_feedforward=6, batch_first=True), 1,
     {"padding": np.array([[True, False, False], [False, False, True]]), "stack_options": {"mask_check": False}}),
    (dict(d_model=4, nhead=2, dim_feedforward=6), 1, {"padding": padding}),  # (sequence first: no fused path)
    (dict(d_model=4, nhead=2, dim_feedforward=6, batch_first=True), None,  # float masks block where nonzero
     {"mask": np.array([[0.0, -0.5, 0], [0, 0, 2.0], [0, 0, 0]]), "padding": np.array([[0.0, 0, -1], [0, 0, 0]])}),
    (dict(d_model=4, nhead=2, dim_feedforward=6, batch_first=True, norm_first=True), 1,
     {"mask": np.array([[0.0, -0.5, 0], [0, 0, 2.0], [0, 0, 0]]), "is_causal": False}),
])
def test_encoder_inference_paths(layer_options, layers, kwargs):
    """Eval mode without grad, where torch takes its fused kernels (NaN rows, exact gelu, nested tensors).
    (torch's nested-tensor warning is given once a process: its message is not compared here.)"""
    program = encoder_program(layer_options, (2, 3, 4), layers, grad=False, dtype="float32", **kwargs)
    assert_matches_torch(program, tolerance=TOLERANCES["float32"])


@pytest.mark.parametrize("make", [
    lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(4, 2, 8), 2),
    lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True, norm_first=True), 1),
    lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(4, 1, 8, batch_first=True), 1),
    lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True, bias=False), 1),
    lambda m: m.nn.TransformerEncoder(
        m.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True, activation=m.nn.functional.silu), 1),
    lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(4, 2, 8, batch_first=True), 1),
    lambda m: m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(4, 2, 8), 1, enable_nested_tensor=False),
    lambda m: m.nn.TransformerEncoder(m.nn.Linear(2, 2), 2),
    lambda m: m.nn.TransformerEncoderLayer(4, 2, activation="tanh"),
])
def test_encoder_construction_warnings_and_layout(make):
    """torch's warning when enable_nested_tensor cannot apply, its attributes, repr and state_dict."""
    def program(m):
        m.manual_seed(0)
        module = make(m)
        flags = [getattr(module, name, None) for name in ("use_nested_tensor", "activation_relu_or_gelu")]
        return flags, repr(module), [(k, v) for k, v in module.state_dict().items()]
    assert_matches_torch(program, warnings=True, exact=True)


def nested_stack(m, padding, grad: bool = False, train: bool = False, mask=None, mask_check: bool = True):
    m.manual_seed(0)
    stack = m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(4, 2, 6, batch_first=True), 1, mask_check=mask_check)
    x = m.tensor(arrays((2, 3, 4))[0], dtype=m.float32)
    stack.train(train)
    masks = {"src_key_padding_mask": padding(m), "mask": None if mask is None else mask(m)}
    if grad:
        return stack(x, **masks)
    with m.no_grad():
        return stack(x, **masks)


@pytest.mark.parametrize("padding", [
    lambda m: m.zeros(3, dtype=m.bool),
    lambda m: m.zeros(2, 4, dtype=m.bool),
    lambda m: m.zeros(3, 3, dtype=m.bool),
    lambda m: m.ones(2, 3, dtype=m.bool),
    lambda m: m.tensor([[0.0, 0, -1], [0, 0, 0]], dtype=m.float32),
])
@pytest.mark.parametrize("grad, train, mask, mask_check", [
    (False, False, None, True), (True, False, None, True), (False, True, None, True),
    (False, False, lambda m: m.zeros(3, 3, dtype=m.bool), True), (False, False, None, False),
])
def test_encoder_nested_path_checks_the_padding_as_torch(padding, grad, train, mask, mask_check):
    """torch checks the padding mask for its nested tensor before looking at `mask` and grad (not in training)."""
    assert_matches_torch(lambda m: nested_stack(m, padding, grad, train, mask, mask_check),
                         tolerance=TOLERANCES["float32"])

