"""Transformer decoder and global module hooks, differential probe: each program runs on both libraries,
compared by `outcomes`.

What this proves:
- `nn.TransformerDecoderLayer` and `nn.TransformerDecoder` (seeded alike) have torch's parameters (names,
  values: torch's order of draws) and give torch's outputs and every gradient (target, memory, parameters) in
  eval and train mode (dropout p=0 and p>0: torch's dropout masks), with `norm_first`, `batch_first`, unbatched
  inputs, relu/gelu/callable/Module activations, `bias=False`, the four masks (bool or float) and causal-mask
  detection; in inference a query that may attend nothing gives torch's NaN; a copy of a layer whose
  activation is a Module applies relu, as torch's (its `__setstate__`);
- `nn.Transformer` builds torch's encoder and decoder (or takes `custom_encoder` / `custom_decoder`), draws
  its weights again by xavier_uniform_ in torch's order, and gives torch's outputs, gradients, warnings and
  errors (batch and feature checks); `Transformer.generate_square_subsequent_mask` is torch's static method;
- `nn.modules.module.register_module_forward_pre_hook` / `register_module_forward_hook` (`with_kwargs`,
  `always_call`) run before each module's own hooks, replace inputs and outputs, survive forward's errors as
  torch's do (with its warning), and stop after `remove()`; torch's fused encoder-layer kernel calls no
  submodule, so they see none there; the parameter / buffer / module registration hooks see and may replace
  what every module registers, containers included.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch
from parity_tests.test_attention_probe import TOLERANCES, arrays, backward, leaves, mask_of

EXACT = (1e-9, 1e-11)  # (float64 tolerance)


# --------------------------------------------------------------------------- decoder layer and stack
def built(m, make, options: dict, dtype: str):
    """`make(m, options)` with the activation given as a function of the library resolved."""
    options = dict(options)
    if callable(options.get("activation")):
        options["activation"] = options["activation"](m)
    return make(m, options, getattr(m, dtype))


def layer(m, options, dtype):
    return m.nn.TransformerDecoderLayer(**options, dtype=dtype)


def stack_of(layers: int, norm: bool = True):
    def make(m, options, dtype):
        final = m.nn.LayerNorm(options["d_model"], dtype=dtype) if norm else None
        return m.nn.TransformerDecoder(m.nn.TransformerDecoderLayer(**options, dtype=dtype), layers, final)
    return make


def decoder_program(make, options: dict, shapes: tuple, dtype: str = "float64", train: bool = False,
                    grad: bool = True, masks: dict | None = None, **forward):
    """A decoder seeded alike, run on (tgt, memory); its output, then every gradient and the next draws."""
    def program(m):
        m.manual_seed(2)
        module = built(m, make, options, dtype)
        module.train(train)
        tgt, memory = (leaves(m, arrays(shape, seed=seed), dtype, grad)[0] for shape, seed in zip(shapes, (7, 8)))
        masks_now = {name: mask_of(m, value, dtype) for name, value in (masks or {}).items()}
        if not grad:
            with m.no_grad():
                return module(tgt, memory, **masks_now, **forward), m.rand(2)
        out = module(tgt, memory, **masks_now, **forward)
        backward(m, out)
        return (out.detach(), [(name, p.grad) for name, p in module.named_parameters()], tgt.grad, memory.grad,
                m.rand(2))
    return program


def shapes_of(options: dict) -> tuple:
    d = options["d_model"]
    return ((2, 3, d), (2, 4, d)) if options.get("batch_first") else ((3, 2, d), (4, 2, d))


rng = np.random.default_rng(3)
causal = np.triu(np.full((3, 3), -np.inf), 1)
causal_bool = np.triu(np.ones((3, 3), bool), 1)
tgt_padding = np.array([[False, False, True], [False, False, False]])
memory_padding = np.array([[False, True, False, True], [False, False, False, False]])
MASKS = [
    {}, {"tgt_mask": causal}, {"tgt_mask": causal_bool}, {"tgt_key_padding_mask": tgt_padding},
    {"memory_key_padding_mask": memory_padding}, {"memory_mask": rng.random((3, 4)) < 0.3},
    {"memory_mask": rng.standard_normal((3, 4))},
    {"tgt_mask": causal, "tgt_key_padding_mask": tgt_padding, "memory_mask": rng.random((3, 4)) < 0.3,
     "memory_key_padding_mask": memory_padding},  # (bool and float masks mixed: torch's deprecation warning)
]
LAYERS = [
    dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0),
    dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0, norm_first=True),
    dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0, batch_first=True),
    dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0, batch_first=True, norm_first=True),
    dict(d_model=6, nhead=3, dim_feedforward=5, dropout=0.0, activation="gelu", layer_norm_eps=1e-3),
    dict(d_model=4, nhead=1, dim_feedforward=6, dropout=0.0, bias=False),
    dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0, activation=lambda m: m.nn.functional.silu),
    dict(d_model=4, nhead=2, dim_feedforward=6, dropout=0.0, activation=lambda m: m.nn.GELU("tanh")),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("options, masks", zip(LAYERS, MASKS))
def test_decoder_layer_outputs_and_gradients(options, masks, dtype):
    for train in (False, True):  # (dropout 0: the same values, once with train-mode paths)
        program = decoder_program(layer, options, shapes_of(options), dtype, train=train, masks=masks)
        assert_matches_torch(program, warnings=True, tolerance=TOLERANCES[dtype])


@pytest.mark.parametrize("options", LAYERS)
@pytest.mark.parametrize("make, forward", [
    (stack_of(2), {"masks": MASKS[7]}),
    (stack_of(3, norm=False), {"masks": MASKS[1]}),
    (stack_of(2), {"masks": MASKS[1], "tgt_is_causal": True}),
    (stack_of(2), {"masks": MASKS[3], "train": True}),
])
def test_decoder_stack_outputs_and_gradients(options, make, forward):
    """Layers deep-copied (a Module activation becomes relu in the copies, as torch's) and the final norm."""
    program = decoder_program(make, options, shapes_of(options), **forward)
    assert_matches_torch(program, warnings=True, tolerance=EXACT)


@pytest.mark.parametrize("options", LAYERS[:4] + LAYERS[7:])
@pytest.mark.parametrize("make", [layer, stack_of(2)])
def test_decoder_dropout_in_training_and_unbatched(options, make):
    d = options["d_model"]
    dropping = dict(options, dropout=0.2)
    assert_matches_torch(decoder_program(make, dropping, shapes_of(options), train=True, masks=MASKS[3]),
                         tolerance=EXACT)
    unbatched = decoder_program(make, options, ((3, d), (4, d)),
                                masks={"tgt_mask": causal, "memory_key_padding_mask": np.array([0, 1, 0, 0], bool)})
    assert_matches_torch(unbatched, tolerance=EXACT)


@pytest.mark.parametrize("options", LAYERS)
@pytest.mark.parametrize("masks", [MASKS[7], {"tgt_mask": np.ones((3, 3), bool),
                                              "memory_key_padding_mask": np.array([[True] * 4, [False] * 4])}])
def test_decoder_inference(options, masks):
    """Eval without grad (torch's fused self-attention where batch_first: NaN where nothing may be attended)."""
    program = decoder_program(layer, options, shapes_of(options), "float32", grad=False, masks=masks)
    assert_matches_torch(program, tolerance=TOLERANCES["float32"])


# --------------------------------------------------------------------------- Transformer
def transformer_program(options: dict, dtype: str = "float64", train: bool = False, grad: bool = True,
                        unbatched: bool = False, **forward):
    """A Transformer seeded alike, run on (src, tgt) with `forward`'s masks; output, gradients, next draws."""
    def program(m):
        m.manual_seed(5)
        module = built(m, lambda m, o, dt: m.nn.Transformer(**o, dtype=dt), options, dtype)
        module.train(train)
        d = options["d_model"]
        shapes = ((2, 4, d), (2, 3, d)) if options.get("batch_first") else ((4, 2, d), (3, 2, d))
        shapes = tuple((s[1 - options.get("batch_first", False)], d) for s in shapes) if unbatched else shapes
        src, tgt = (leaves(m, arrays(shape, seed=seed), dtype, grad)[0] for shape, seed in zip(shapes, (7, 8)))
        kwargs = {k: mask_of(m, v, dtype) if isinstance(v, np.ndarray) else v for k, v in forward.items()}
        if not grad:
            with m.no_grad():
                return module(src, tgt, **kwargs), m.rand(2)
        out = module(src, tgt, **kwargs)
        backward(m, out)
        return out.detach(), [(name, p.grad) for name, p in module.named_parameters()], src.grad, tgt.grad, m.rand(2)
    return program


TRANSFORMERS = [
    dict(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=6, dropout=0.0),
    dict(d_model=4, nhead=2, num_encoder_layers=2, num_decoder_layers=1, dim_feedforward=6, dropout=0.0,
         batch_first=True),
    dict(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=6, dropout=0.0,
         norm_first=True),
    dict(d_model=6, nhead=3, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=5, dropout=0.0,
         activation="gelu", layer_norm_eps=1e-2, bias=False),
    dict(d_model=4, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=6, dropout=0.0,
         batch_first=True, norm_first=True, activation=lambda m: m.nn.functional.tanh),
    dict(d_model=4, nhead=2, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=6, dropout=0.0,
         activation=lambda m: m.nn.GELU()),
    dict(d_model=4, nhead=2, num_encoder_layers=0, num_decoder_layers=1, dim_feedforward=6, dropout=0.0),
]
source_padding = np.array([[False, False, False, True], [False, False, False, False]])
FORWARDS = [
    {}, {"tgt_mask": causal}, {"src_mask": np.triu(np.full((4, 4), -np.inf), 1)},
    {"src_key_padding_mask": source_padding, "memory_key_padding_mask": source_padding,
     "tgt_key_padding_mask": tgt_padding},
    {"memory_mask": rng.random((3, 4)) < 0.3, "tgt_mask": causal, "tgt_is_causal": True},
    {"tgt_mask": causal_bool, "src_is_causal": False, "memory_is_causal": False},
]


@pytest.mark.parametrize("options", TRANSFORMERS)
@pytest.mark.parametrize("forward", FORWARDS)
def test_transformer_outputs_and_gradients(options, forward):
    assert_matches_torch(transformer_program(options, **forward), warnings=True, tolerance=EXACT)


@pytest.mark.parametrize("options", TRANSFORMERS)
def test_transformer_float32_dropout_inference_and_unbatched(options):
    """float32; dropout in training (torch's masks); eval without grad (the encoder's fused and nested-tensor
    paths where batch_first); unbatched inputs."""
    programs = [(transformer_program(options, "float32", **FORWARDS[1]), TOLERANCES["float32"]),
                (transformer_program(dict(options, dropout=0.3), train=True, **FORWARDS[1]), EXACT),
                (transformer_program(options, "float32", grad=False, **FORWARDS[3]), TOLERANCES["float32"]),
                (transformer_program(options, unbatched=True, tgt_mask=causal), EXACT)]
    for program, tolerance in programs:
        assert_matches_torch(program, warnings=True, tolerance=tolerance)


@pytest.mark.parametrize("make", [
    lambda m: m.nn.TransformerDecoderLayer(4, 2, 8),
    lambda m: m.nn.TransformerDecoderLayer(4, 2, 8, 0.3, "gelu", 1e-3, True, True, False),
    lambda m: m.nn.TransformerDecoderLayer(4, 2, activation="tanh"),
    lambda m: m.nn.TransformerDecoderLayer(4, 3),
    lambda m: m.nn.TransformerDecoderLayer(0, 2),
    lambda m: m.nn.TransformerDecoder(m.nn.TransformerDecoderLayer(4, 2, 8), 2),
    lambda m: m.nn.TransformerDecoder(m.nn.TransformerDecoderLayer(4, 2, 8), 0),
    lambda m: m.nn.TransformerDecoder(m.nn.TransformerDecoderLayer(4, 2, 8), 2, m.nn.LayerNorm(4)),
    lambda m: m.nn.Transformer(4, 2, 1, 1, 8),
    lambda m: m.nn.Transformer(4, 2, 2, 1, 8, batch_first=True),
    lambda m: m.nn.Transformer(4, 2, 1, 1, 8, batch_first=True, norm_first=True),
    lambda m: m.nn.Transformer(4, 2, 1, 1, 8, batch_first=True, bias=False),
    lambda m: m.nn.Transformer(4, 3, 1, 1, 8),
    lambda m: m.nn.Transformer(4, 2, 1, 1, 8, activation="swish"),
    lambda m: m.nn.Transformer(4, 2, 1, 1, 8, custom_encoder=m.nn.Identity()),
    lambda m: m.nn.Transformer(4, 2, 1, 1, 8, custom_encoder=m.nn.Linear(4, 4), custom_decoder=m.nn.Linear(4, 4)),
    lambda m: m.nn.Transformer(16, 4, 2, 2, 32, dtype=m.float64),
    lambda m: m.nn.Transformer(4, 2, 0, 0, 8, layer_norm_eps=0.1),
])
def test_construction_parameters_and_layout(make):
    """torch's attributes, repr, state_dict (values drawn in torch's order), submodules and warnings."""
    def program(m):
        m.manual_seed(1)
        module = make(m)
        attrs = {k: getattr(module, k, None) for k in ("d_model", "nhead", "batch_first", "num_layers", "norm_first")}
        return (attrs, repr(module), [(k, v) for k, v in module.state_dict().items()],
                [type(child).__name__ for child in module.modules()])
    assert_matches_torch(program, warnings=True, exact=True)


@pytest.mark.parametrize("make", [
    lambda m: m.nn.TransformerDecoderLayer(4, 2, activation=m.nn.Tanh()),
    lambda m: m.nn.TransformerDecoderLayer(4, 2, activation=m.nn.functional.tanh),
    lambda m: m.nn.TransformerEncoderLayer(4, 2, activation=m.nn.Tanh()),
])
def test_a_copied_layer_keeps_torchs_activation(make):
    """torch's decoder layer's `__setstate__` puts relu in place of a Module activation (not the encoder's)."""
    def program(m):
        copied = copy.deepcopy(make(m))
        return repr(copied), getattr(copied.activation, "__name__", type(copied.activation).__name__)
    assert_matches_torch(program)


@pytest.mark.parametrize("program", [
    lambda m: m.nn.Transformer.generate_square_subsequent_mask(4),
    lambda m: m.nn.Transformer.generate_square_subsequent_mask(0),
    lambda m: m.nn.Transformer.generate_square_subsequent_mask(3, dtype=m.float64),
    lambda m: m.nn.Transformer.generate_square_subsequent_mask(3, dtype=m.float16),
    lambda m: m.nn.Transformer.generate_square_subsequent_mask(3, m.device("cpu"), m.float32),
    lambda m: m.nn.Transformer.generate_square_subsequent_mask(sz=2, device="cpu"),
    lambda m: m.nn.Transformer.generate_square_subsequent_mask(3, dtype=m.int64),
    lambda m: m.nn.Transformer.generate_square_subsequent_mask(3, dtype=m.bool),
    lambda m: m.nn.Transformer.generate_square_subsequent_mask(-1),
    lambda m: m.nn.Transformer(4, 2, 1, 1, 8).generate_square_subsequent_mask(3),
])
def test_generate_square_subsequent_mask(program):
    assert_matches_torch(program, warnings=True, exact=True)


def transformer_call(src_shape, tgt_shape, batch_first=False, **masks):
    def program(m):
        m.manual_seed(0)
        module = m.nn.Transformer(4, 2, 1, 1, 6, 0.0, batch_first=batch_first)
        return module(m.ones(*src_shape), m.ones(*tgt_shape), **{k: v(m) for k, v in masks.items()})
    return program


def decoder_call(tgt_shape, memory_shape, layers=None, **masks):
    def program(m):
        m.manual_seed(0)
        module = m.nn.TransformerDecoderLayer(4, 2, 6, 0.0)
        module = module if layers is None else m.nn.TransformerDecoder(module, layers)
        return module(m.ones(*tgt_shape), m.ones(*memory_shape), **{k: v(m) for k, v in masks.items()})
    return program


@pytest.mark.parametrize("program", [
    transformer_call((4, 2, 4), (3, 3, 4)),
    transformer_call((2, 4, 4), (3, 3, 4), batch_first=True),
    transformer_call((4, 2, 4), (3, 2, 5)),
    transformer_call((4, 4), (3, 4)),
    transformer_call((4, 2, 4), (3, 4)),
    transformer_call((4, 2, 4), (3, 2, 4), tgt_mask=lambda m: m.zeros(4, 4)),
    transformer_call((4, 2, 4), (3, 2, 4), memory_mask=lambda m: m.zeros(3, 3)),
    transformer_call((4, 2, 4), (3, 2, 4), memory_key_padding_mask=lambda m: m.zeros(2, 3, dtype=m.bool)),
    transformer_call((4, 2, 4), (3, 2, 4), tgt_key_padding_mask=lambda m: m.zeros(2, 3, dtype=m.int64)),
    transformer_call((4, 2, 4), (3, 2, 4), tgt_mask=lambda m: m.zeros(2, 3, 3)),
    transformer_call((4, 2, 4), (3, 2, 4), memory_is_causal=lambda m: True),
    transformer_call((4, 2, 4), (4, 2, 4), memory_is_causal=lambda m: True,
                     memory_mask=lambda m: m.nn.Transformer.generate_square_subsequent_mask(4)),
    transformer_call((4, 2, 4), (0, 2, 4)),
    decoder_call((3, 2, 4), (4, 3, 4)),
    decoder_call((3, 2, 4), (4, 2, 5)),
    decoder_call((3, 4), (4, 2, 4)),
    decoder_call((3, 2, 4), (4, 2, 4), layers=2, tgt_mask=lambda m: m.zeros(4, 4)),
    decoder_call((3, 2, 4), (4, 2, 4), layers=2, tgt_is_causal=lambda m: True),
    decoder_call((3, 2, 4), (4, 2, 4), layers=2, tgt_mask=lambda m: m.ones(3, 3, dtype=m.bool).triu(1)),
    lambda m: m.nn.TransformerDecoderLayer(4, 2)(m.ones(3, 2, 4)),
    lambda m: m.nn.Transformer(4, 2, 1, 1, 8)(m.ones(3, 2, 4, dtype=m.float64), m.ones(3, 2, 4)),
    lambda m: m.nn.TransformerDecoderLayer(4, 2)(m.ones(3, 2, 4), m.ones(3, 2, 4, dtype=m.float64)),
])
def test_errors(program):
    assert_matches_torch(program, warnings=True)


# --------------------------------------------------------------------------- global forward hooks
def with_global_hooks(register, body):
    """`register(m, log)` global hooks, `body(m, log)`, the hooks removed; then `body` again: they are gone."""
    def program(m):
        log = []
        handles = register(m.nn.modules.module, m, log)
        try:
            result = body(m, log)
        finally:
            for handle in handles:
                handle.remove()
        return result, log, body(m, [])
    return program


def pre_recorder(log, tag):
    return lambda module, args: log.append((tag, type(module).__name__, len(args)))


def recorder(log, tag, with_kwargs=False):
    if with_kwargs:
        return lambda module, args, kwargs, output: log.append((tag, type(module).__name__, sorted(kwargs)))
    return lambda module, args, output: log.append((tag, type(module).__name__, len(args)))


def small_model(m):
    m.manual_seed(0)
    return m.nn.Sequential(m.nn.Linear(3, 2), m.nn.ReLU())


def scaled(m):
    class Scaled(m.nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale
    return Scaled()


def failing(m):
    class Failing(m.nn.Module):
        def forward(self, x):
            raise ValueError("forward failed")
    return Failing()


def run_failing(m, log):
    module = failing(m)
    module.register_forward_hook(recorder(log, "own always"), always_call=True)
    try:
        module(m.ones(2))
    except ValueError as error:
        return str(error), list(log)


def run_model(m, log):
    model = small_model(m)
    model[0].register_forward_pre_hook(pre_recorder(log, "own pre"), prepend=True)
    model[0].register_forward_hook(recorder(log, "own"), prepend=True)
    x = m.ones(2, 3, requires_grad=True)
    out = model(x)
    out.sum().backward()
    return out, x.grad, list(log)


def run_catching(module, x):
    """The module's output, or the message of the RuntimeError it raised."""
    try:
        return module(x)
    except RuntimeError as error:
        return str(error)


def raising(error):
    def hook(*args):
        raise error
    return hook


@pytest.mark.parametrize("register, body", [
    (lambda api, m, log: [api.register_module_forward_pre_hook(pre_recorder(log, "pre 1")),
                          api.register_module_forward_pre_hook(pre_recorder(log, "pre 2")),
                          api.register_module_forward_hook(recorder(log, "hook 1")),
                          api.register_module_forward_hook(recorder(log, "hook 2"))], run_model),
    (lambda api, m, log: [api.register_module_forward_pre_hook(
                              lambda module, args: args[0] * 2 if isinstance(module, m.nn.Linear) else None),
                          api.register_module_forward_hook(
                              lambda module, args, out: out + 1 if isinstance(module, m.nn.ReLU) else None)],
     run_model),
    (lambda api, m, log: [api.register_module_forward_pre_hook(lambda module, args: (args[0] + 1,)),
                          api.register_module_full_backward_hook(lambda module, gi, go: log.append("backward"))],
     run_model),
    (lambda api, m, log: [api.register_module_forward_hook(recorder(log, "kw", True), with_kwargs=True),
                          api.register_module_forward_hook(lambda module, args, kwargs, out: out * kwargs["scale"],
                                                           with_kwargs=True),
                          api.register_module_forward_hook(recorder(log, "plain"))],
     lambda m, log: (scaled(m)(m.ones(2), scale=3.0), list(log))),
    (lambda api, m, log: [api.register_module_forward_hook(recorder(log, "always"), always_call=True),
                          api.register_module_forward_hook(recorder(log, "not always")),
                          api.register_module_forward_hook(recorder(log, "always kw", True), always_call=True,
                                                           with_kwargs=True)],  # (called without kwargs: raises)
     run_failing),
    (lambda api, m, log: [api.register_module_forward_hook(raising(KeyError("hook failed")), always_call=True)],
     run_failing),
    (lambda api, m, log: [api.register_module_forward_pre_hook(raising(RuntimeError("pre-hook failed"))),
                          api.register_module_forward_hook(recorder(log, "always"), always_call=True)],
     lambda m, log: (run_catching(small_model(m), m.ones(1, 3)), list(log))),
    (lambda api, m, log: [api.register_module_forward_hook(recorder(log, "always"), always_call=True),
                          api.register_module_forward_hook(raising(RuntimeError("hook failed"))),
                          api.register_module_forward_hook(recorder(log, "always 2"), always_call=True)],
     lambda m, log: (run_catching(small_model(m), m.ones(1, 3)), list(log))),
])
def test_global_forward_hooks(register, body):
    """torch's order (global pre-hooks, the module's, forward, global hooks, the module's), replacements,
    `with_kwargs`, `always_call` when forward or a hook raises (and its warning), and `remove()`."""
    assert_matches_torch(with_global_hooks(register, body), warnings=True, tolerance=(1e-6, 1e-7))


def test_removed_global_hooks_are_not_called():
    def program(m):
        api, log = m.nn.modules.module, []
        api.register_module_forward_hook(recorder(log, "removed")).remove()
        api.register_module_forward_pre_hook(pre_recorder(log, "removed")).remove()
        with api.register_module_forward_hook(recorder(log, "context")):
            small_model(m)(m.ones(1, 3))
        small_model(m)(m.ones(1, 3))
        return log
    assert_matches_torch(program)


@pytest.mark.parametrize("batch_first", [True, False])
def test_fused_encoder_layer_calls_no_submodule(batch_first):
    """In inference torch's encoder layer is one kernel (batch_first): global hooks see the layer, not its parts."""
    def program(m):
        log = []
        handle = m.nn.modules.module.register_module_forward_pre_hook(pre_recorder(log, "pre"))
        try:
            m.manual_seed(0)
            model = m.nn.Transformer(4, 2, 1, 1, 6, batch_first=batch_first).eval()
            with m.no_grad():
                out = model(m.ones(2, 3, 4), m.ones(2, 3, 4))
        finally:
            handle.remove()
        return out, log
    assert_matches_torch(program, tolerance=TOLERANCES["float32"])


# --------------------------------------------------------------------------- global registration hooks
def registration_recorders(api, m, log):
    def recorder_of(kind):
        def hook(module, name, value):
            log.append((kind, type(module).__name__, name, type(value).__name__, tuple(getattr(value, "shape", ()))))
        return hook
    return [api.register_module_parameter_registration_hook(recorder_of("parameter")),
            api.register_module_buffer_registration_hook(recorder_of("buffer")),
            api.register_module_module_registration_hook(recorder_of("module"))]


def replacing_hooks(api, m, log):
    return [api.register_module_parameter_registration_hook(
                lambda module, name, p: m.nn.Parameter(p.detach() * 0 + 7) if name == "bias" else None),
            api.register_module_buffer_registration_hook(lambda module, name, b: m.ones(1) if b is None else None),
            api.register_module_module_registration_hook(
                lambda module, name, child: m.nn.Tanh() if isinstance(child, m.nn.ReLU) else None)]


def registrations(m, log):
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(2, 3), m.nn.BatchNorm1d(3), m.nn.ReLU())
    model.add_module("extra", None)
    model.extra = None
    model.append(m.nn.Identity())
    model[0].register_parameter("unused", None)
    model[0].bias = None
    model[0].bias = m.nn.Parameter(m.ones(3))
    model[0].register_buffer("empty", None)
    model[0].register_buffer("scratch", m.zeros(2), persistent=False)
    model[0].scratch = m.ones(3)
    model[0].kept = m.nn.Buffer(m.ones(4))
    listed = m.nn.ParameterList([m.ones(2)])
    listed.append(m.nn.Parameter(m.ones(1)))
    return repr(model), [(k, v) for k, v in model.state_dict().items()], list(listed), model(m.ones(2, 2)), list(log)


@pytest.mark.parametrize("register", [registration_recorders, replacing_hooks])
@pytest.mark.parametrize("body", [
    registrations,
    lambda m, log: (m.manual_seed(0), m.nn.TransformerDecoder(m.nn.TransformerDecoderLayer(4, 2, 4), 2).state_dict(),
                    list(log))[1:],
    lambda m, log: (m.manual_seed(0), m.nn.LSTM(2, 3, bidirectional=True).state_dict(), list(log))[1:],
])
def test_global_registration_hooks(register, body):
    """Called for each parameter (not None), buffer and submodule (None too) registered, in torch's order, by
    assignment, `register_*`, `add_module` and containers; a value returned is registered instead."""
    assert_matches_torch(with_global_hooks(register, body), exact=True)
