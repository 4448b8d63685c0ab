"""Recurrent layers, differential probe: `nn.RNN`, `LSTM`, `GRU` and their cells run on both libraries.

What this proves (minitorch_ref had no recurrent layer before this probe):
- the constructors take torch's arguments (positionally too, `nonlinearity` fourth for RNN), check them in
  torch's order with torch's exception types and messages, and warn as torch for dropout with one layer;
- the parameters have torch's names (`weight_ih_l0`, `bias_hh_l1_reverse`, `weight_hr_l0`), shapes and order,
  and `manual_seed(s)` then building a layer gives torch's weights (U(-1/sqrt(hidden), 1/sqrt(hidden)) in
  registration order); `all_weights`, `_flat_weights_names`, `flatten_parameters()`, `state_dict`, the repr;
- forward on random sizes (batched, batch_first, unbatched, with or without h0/c0, bidirectional, stacked,
  LSTM projections, empty batches, float32/float64): outputs, h_n (and c_n), their grad_fn, and the
  gradients of the input, of h0/c0 and of every parameter agree (float32 to 1e-5, float64 to 1e-10);
  dropout between layers in training mode takes torch's random draws;
- torch's errors for wrong ranks, input sizes, dtypes, hidden-state shapes and an empty sequence;
- the cells (`RNNCell` tanh/relu, `LSTMCell`, `GRUCell`) step by step, batched and unbatched, with torch's
  values, gradients and size checks ("input has inconsistent input_size", "hidden0 has inconsistent ...");
- `nn.utils.rnn` (also new): `pad_sequence` (batch_first, padding_value, padding_side, its argument parser's
  TypeErrors), `pack_padded_sequence` (sorted or not; its `PackPaddedSequenceBackward0` node), `pad_packed_sequence`
  (total_length), `pack_sequence`, `unpack_sequence`, `unpad_sequence`, `invert_permutation`, `PackedSequence`
  (a named tuple; `to`, `double`...), with torch's errors; packed batches through the three layers give each
  sequence's own last hidden state, in the batch's order, and torch's outputs and gradients.

Left on purpose (torch's CPU backend, oneDNN, which minitorch_ref has no reason to copy): a float32 LSTM runs
there through oneDNN, so its output's grad_fn is `MkldnnRnnLayerBackward0` (here the `StackBackward0` of the
plain path, which torch takes for float64), a float64 h0 with a float32 LSTM fails inside oneDNN ("get_mkldnn_
dtype: unsupported data type"; here the linear's dtype error), a packed float32 LSTM batch whose sequences
all have one length goes through oneDNN too (grad_fn `ViewBackward0` there, `CatBackward0` here), and torch
warns once a process "LSTM with projections is not supported with oneDNN". The cases below compare float32
LSTM outputs without grad_fn.
"""
from __future__ import annotations

import copy  # noqa: F401 (the conversions' programs use it)
import random

import numpy as np
import pytest

import minitorch_ref as mt
from parity_tests.outcomes import assert_matches_torch, torch_text

FLOAT32, FLOAT64 = (1e-5, 1e-6), (1e-10, 1e-12)


def _t(m, *shape, seed=0, dtype="float32", requires_grad=False):
    """A tensor of the same random values in both libraries."""
    values = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return m.tensor(values, requires_grad=requires_grad)


def _layer(m, kind, *args, **kwargs):
    """nn.RNN/LSTM/GRU, or "RNN_relu": an RNN with nonlinearity='relu'."""
    if kind == "RNN_relu":
        return m.nn.RNN(*args, nonlinearity="relu", **kwargs)
    return getattr(m.nn, kind)(*args, **kwargs)


def _tensors(value):
    """The tensors of a (nested) tuple, in order."""
    if isinstance(value, (tuple, list)):
        return [t for item in value for t in _tensors(item)]
    return [value]


def _backward(outputs):
    """Backward of a weighted sum of all the outputs (so each gets its own gradient)."""
    total = sum((t * (i + 1.0)).sum() for i, t in enumerate(_tensors(outputs)))
    total.backward()


def _without_onednn_node(m, kind, dtype, output):
    """A float32 LSTM's output, detached where torch runs it through oneDNN (its grad_fn is oneDNN's there)."""
    if kind != "LSTM" or dtype != "float32":
        return output
    return tuple(_without_onednn_node(m, kind, dtype, o) for o in output) if isinstance(output, tuple) \
        else (output.detach(), output.requires_grad)


# --------------------------------------------------------------------------- layers on random sizes
def _layer_cases(count, seed=0):
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        kind = rng.choice(["RNN", "RNN_relu", "LSTM", "GRU"])
        hidden = rng.randint(1, 5)
        cases.append(dict(
            kind=kind, input_size=rng.randint(1, 4), hidden=hidden, layers=rng.randint(1, 3),
            bias=rng.random() < 0.7, batch_first=rng.random() < 0.4, bidirectional=rng.random() < 0.4,
            proj=rng.randint(1, hidden - 1) if kind == "LSTM" and hidden > 1 and rng.random() < 0.4 else 0,
            dtype=rng.choice(["float32", "float64"]), length=rng.randint(1, 4), batch=rng.randint(0, 3),
            unbatched=rng.random() < 0.25, h0=rng.random() < 0.5, seed=rng.randint(0, 999)))
    return cases


def _run_layer(m, kind, input_size, hidden, layers, bias, batch_first, bidirectional, proj, dtype, length, batch,
               unbatched, h0, seed, dropout=0.0, training=True):
    """Build a layer after manual_seed, run it on a random input (and h0), backward: everything to compare."""
    m.manual_seed(seed)
    dt = getattr(m, dtype)
    options = dict(num_layers=layers, bias=bias, batch_first=batch_first, bidirectional=bidirectional,
                   dropout=dropout, dtype=dt)
    layer = _layer(m, kind, input_size, hidden, proj_size=proj, **options) if proj else \
        _layer(m, kind, input_size, hidden, **options)
    layer.train(training)
    states = (2 if bidirectional else 1) * layers
    shape = (length, input_size) if unbatched else (batch, length, input_size) if batch_first else \
        (length, batch, input_size)
    x = _t(m, *shape, seed=seed, dtype=dtype, requires_grad=True)
    lead = (states,) if unbatched else (states, batch)
    hx = None
    if h0 and kind == "LSTM":
        hx = (_t(m, *lead, proj or hidden, seed=seed + 1, dtype=dtype, requires_grad=True),
              _t(m, *lead, hidden, seed=seed + 2, dtype=dtype, requires_grad=True))
    elif h0:
        hx = _t(m, *lead, hidden, seed=seed + 1, dtype=dtype, requires_grad=True)
    output = layer(x) if hx is None else layer(x, hx)
    _backward(output)
    hx_grads = None if hx is None else [h.grad for h in _tensors(hx)]
    return (_without_onednn_node(m, kind, dtype, output), x.grad, hx_grads,
            [(name, p, p.grad) for name, p in layer.named_parameters()])


@pytest.mark.parametrize("case", _layer_cases(48), ids=lambda c: "-".join(f"{v}" for v in c.values()))
def test_layer_forward_and_gradients_match_torch(case):
    """Outputs, h_n (c_n), grad_fn, and the gradients of input, h0 (c0) and every parameter, as torch's."""
    tolerance = FLOAT32 if case["dtype"] == "float32" else FLOAT64
    assert_matches_torch(lambda m: _run_layer(m, **case), tolerance=tolerance)


@pytest.mark.parametrize("kind", ["RNN", "RNN_relu", "LSTM", "GRU"])
@pytest.mark.parametrize("dtype, bidirectional, batch_first, dropout", [
    ("float32", False, False, 0.3), ("float64", True, True, 0.5), ("float64", False, True, 1.0),
    ("float32", True, False, 0.2)])
def test_dropout_between_layers_takes_torch_draws(kind, dtype, bidirectional, batch_first, dropout):
    """In training mode, dropout after every layer but the last: torch's Bernoulli draws, twice in a row."""
    def program(m):
        first = _run_layer(m, kind, 3, 4, 3, True, batch_first, bidirectional, 0, dtype, 4, 2, False, True,
                           seed=7, dropout=dropout)
        return first, m.rand(3)  # (the generator's state after the draws)
    assert_matches_torch(program, tolerance=FLOAT32 if dtype == "float32" else FLOAT64)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_eval_mode_has_no_dropout(kind):
    def program(m):
        return _run_layer(m, kind, 2, 3, 2, True, False, False, 0, "float64", 3, 2, False, False, seed=3,
                          dropout=0.5, training=False), m.rand(2)
    assert_matches_torch(program, tolerance=FLOAT64)


# --------------------------------------------------------------------------- construction
CONSTRUCTIONS = [
    "{c}(2, 3)", "{c}(2, 3, 2, bias=False, batch_first=True, bidirectional=True)",
    "{c}(2, 3, 2, True, True, 0.25, True)", "{c}(2, 3, dropout=0.5)", "{c}(2, 3, 2, dropout=1)",
    "{c}(2, 3, bidirectional=1)", "{c}(True, 3)", "{c}(2, 3, 2, dtype=m.float64)", "{c}(2, 3, proj_size=1)",
    "{c}(-1, 3)", "{c}(0, 3)", "{c}(2.0, 3)", "{c}(2, 0)", "{c}(2, 3.0)", "{c}(2, 3, 0)", "{c}(2, 3, 2.0)",
    "{c}(2, 3, bias=1)", "{c}(2, 3, batch_first=1)", "{c}(2, 3, dropout=-0.1)", "{c}(2, 3, dropout=1.5)",
    "{c}(2, 3, dropout=True)", "{c}(2, 3, dropout='a')", "{c}(2, 3, proj_size=-1)", "{c}(2, 3, proj_size=3)",
    "{c}(2, 3, 1, 'relu')", "{c}(2, 3, nonlinearity='relu')", "{c}(2, 3, nonlinearity='sigmoid')",
    "{c}(2, 3, foo=1)", "{c}(2)", "{c}(2, True)", "{c}(2, 3, 1, True, False, 0.0, True, 2)",
    "{c}(2, 3, 1, 'tanh', True, False, 0.0, False, None, m.float64)", "{c}(np.int64(2), 3)",
    "{c}(2, 3, 2, dropout=np.float64(0.5))", "{c}(2, 3, 2, dropout=m.tensor(0.5))", "{c}(2, 3, -1)",
    "{c}(2, 3, proj_size=1.5)",
]


def _describe(layer):
    names = ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional",
             "proj_size", "nonlinearity")
    return (repr(layer), list(layer.named_parameters()), list(layer.state_dict()), layer._flat_weights_names,
            {name: getattr(layer, name, None) for name in names}, layer.all_weights, layer._flat_weights)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("code", CONSTRUCTIONS)
def test_construction_checks_names_initialisation_and_repr(kind, code):
    """torch's checks (types, messages, the dropout warning), then torch's parameters, seeded values, repr."""
    def program(m):
        m.manual_seed(11)
        return _describe(eval(code.format(c="m.nn." + kind)))
    assert_matches_torch(program, warnings=True)


@pytest.mark.parametrize("code", ["m.nn.RNNBase('LSTM', 2, 3)", "m.nn.RNNBase('GRU', 2, 3, 2, bias=False)",
                                  "m.nn.RNNBase('FOO', 2, 3)", "m.nn.RNNBase('RNN_RELU', 2, 3, proj_size=1)"])
def test_rnnbase_takes_a_mode(code):
    def program(m):
        m.manual_seed(2)
        return _describe(eval(code))
    assert_matches_torch(program)


# --------------------------------------------------------------------------- forward: inputs and errors
FORWARDS = {
    "4-D input": ("m.randn(2, 2, 2, 2)", None), "1-D input": ("m.randn(2)", None),
    "input size": ("m.randn(3, 2, 5)", None), "unbatched input size": ("m.randn(3, 5)", None),
    "float64 input": ("m.randn(3, 2, 2, dtype=m.float64)", None), "int input": ("m.ones(3, 2, 2, dtype=m.int64)", None),
    "2-D h0, batched": ("m.randn(3, 2, 2)", (1, 3)), "3-D h0, unbatched": ("m.randn(3, 2)", (1, 2, 3)),
    "h0 features": ("m.randn(3, 2, 2)", (1, 2, 4)), "h0 batch": ("m.randn(3, 2, 2)", (1, 3, 3)),
    "h0 layers": ("m.randn(3, 2, 2)", (2, 2, 3)), "unbatched h0 layers": ("m.randn(3, 2)", (2, 3)),
    "empty sequence": ("m.randn(0, 2, 2)", None), "empty unbatched sequence": ("m.randn(0, 2)", None),
    "empty batch": ("m.randn(3, 0, 2)", None), "transposed input": ("m.randn(2, 3, 2).transpose(0, 1)", None),
    "h0 given": ("m.randn(3, 2, 2)", (1, 2, 3)), "unbatched h0 given": ("m.randn(3, 2)", (1, 3)),
}


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("name", FORWARDS)
def test_forward_inputs_and_errors(kind, name):
    """Ranks, sizes, dtypes and hidden shapes: torch's result or torch's exception and message."""
    code, h_shape = FORWARDS[name]

    def program(m):
        m.manual_seed(6)
        layer, x = getattr(m.nn, kind)(2, 3), eval(code)
        if h_shape is None:
            return _without_onednn_node(m, kind, "float32", layer(x))
        hx = m.randn(*h_shape)
        hx = (hx, m.randn(*h_shape)) if kind == "LSTM" else hx
        return _without_onednn_node(m, kind, "float32", layer(x, hx))
    assert_matches_torch(program)


@pytest.mark.parametrize("hx", [
    "(m.randn(1, 2, 3), m.randn(2, 3))", "(m.randn(2, 3), m.randn(1, 2, 3))", "(m.randn(1, 2, 3), m.randn(1, 2, 4))",
    "(m.randn(1, 2, 4), m.randn(1, 2, 3))", "(m.randn(1, 2, 3),)", "(m.randn(1, 2, 3),) * 3",
    "[m.randn(1, 2, 3), m.randn(1, 2, 3)]", "U(m.randn(1, 3), m.randn(1, 2, 3))", "U(m.randn(1, 3),) * 3",
])
def test_lstm_hidden_state_checks(hx):
    def program(m):
        m.manual_seed(7)
        layer = m.nn.LSTM(2, 3, dtype=m.float64)
        x = m.randn(3, 2, dtype=m.float64) if hx.startswith("U") else m.randn(3, 2, 2, dtype=m.float64)

        def U(*tensors):  # (an unbatched call)
            return tensors
        return layer(x, tuple(h.double() for h in eval(hx)))
    assert_matches_torch(program, tolerance=FLOAT64)


@pytest.mark.parametrize("hx", ["(m.randn(1, 2, 2), m.randn(1, 2, 3))", "(m.randn(1, 2, 3), m.randn(1, 2, 3))",
                                "(m.randn(1, 2, 2), m.randn(1, 2, 2))"])
def test_lstm_projection_hidden_sizes(hx):
    """With proj_size, h0 has proj_size features and c0 hidden_size."""
    def program(m):
        m.manual_seed(7)
        layer = m.nn.LSTM(2, 3, proj_size=2, dtype=m.float64)
        return layer(m.randn(3, 2, 2, dtype=m.float64), tuple(h.double() for h in eval(hx)))
    assert_matches_torch(program, tolerance=FLOAT64)


# --------------------------------------------------------------------------- cells
def _cell(m, kind, *args, **kwargs):
    if kind == "RNNCell_relu":
        return m.nn.RNNCell(*args, nonlinearity="relu", **kwargs)
    return getattr(m.nn, kind)(*args, **kwargs)


def _cell_cases(count, seed=1):
    rng = random.Random(seed)
    return [dict(kind=rng.choice(["RNNCell", "RNNCell_relu", "LSTMCell", "GRUCell"]), input_size=rng.randint(0, 4),
                 hidden=rng.randint(0, 4), batch=rng.randint(0, 3), bias=rng.random() < 0.7,
                 unbatched=rng.random() < 0.3, h0=rng.random() < 0.5, dtype=rng.choice(["float32", "float64"]),
                 steps=rng.randint(1, 3), seed=rng.randint(0, 999)) for _ in range(count)]


@pytest.mark.parametrize("case", _cell_cases(32), ids=lambda c: "-".join(f"{v}" for v in c.values()))
def test_cell_steps_match_torch(case):
    """A few steps of a cell: the states, grad_fn, and the gradients of input, h0 (c0) and the parameters."""
    def program(m, kind, input_size, hidden, batch, bias, unbatched, h0, dtype, steps, seed):
        m.manual_seed(seed)
        cell = _cell(m, kind, input_size, hidden, bias, dtype=getattr(m, dtype))
        lead = () if unbatched else (batch,)
        x = _t(m, steps, *lead, input_size, seed=seed, dtype=dtype, requires_grad=True)
        first = None
        if h0:
            first = tuple(_t(m, *lead, hidden, seed=seed + i, dtype=dtype, requires_grad=True) for i in (1, 2))
            first = first if kind == "LSTMCell" else first[0]
        states, state = [], first
        for step in range(steps):
            state = cell(x[step], state)
            states.append(state)
        _backward(states)
        return states, x.grad, None if first is None else [h.grad for h in _tensors(first)], \
            [(name, p.grad) for name, p in cell.named_parameters()], repr(cell)
    tolerance = FLOAT32 if case["dtype"] == "float32" else FLOAT64
    assert_matches_torch(lambda m: program(m, **case), tolerance=tolerance)


CELL_CALLS = {
    "3-D input": ("m.randn(1, 4, 2)", None), "0-D input": ("m.randn(())", None),
    "3-D hidden": ("m.randn(4, 2)", (1, 4, 3)),
    "input size": ("m.randn(4, 5)", None), "unbatched input size": ("m.randn(5)", None),
    "batch": ("m.randn(4, 2)", (5, 3)), "hidden size": ("m.randn(4, 2)", (4, 5)),
    "1-D hidden, batched": ("m.randn(4, 2)", (3,)), "2-D hidden, unbatched": ("m.randn(2)", (1, 3)),
    "2-D hidden of 4, unbatched": ("m.randn(2)", (4, 3)), "float64 input": ("m.randn(4, 2, dtype=m.float64)", None),
    "empty batch": ("m.randn(0, 2)", None), "int input": ("m.ones(4, 2, dtype=m.int64)", None),
}


@pytest.mark.parametrize("kind", ["RNNCell", "RNNCell_relu", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("name", CELL_CALLS)
def test_cell_inputs_and_errors(kind, name):
    code, h_shape = CELL_CALLS[name]

    def program(m):
        m.manual_seed(8)
        cell, x = _cell(m, kind, 2, 3), eval(code)
        if h_shape is None:
            return cell(x)
        hx = m.randn(*h_shape)
        return cell(x, (hx, m.randn(*h_shape)) if kind == "LSTMCell" else hx)
    assert_matches_torch(program)


@pytest.mark.parametrize("hx", ["(m.randn(4, 3),)", "(m.randn(4, 3),) * 3", "(m.randn(4, 3), m.randn(1, 4, 3))",
                                "(m.randn(4, 3), m.randn(5, 3))", "(m.randn(4, 3), m.randn(4, 2))",
                                "[m.randn(4, 3), m.randn(4, 3)]"])
def test_lstm_cell_state_checks(hx):
    def program(m):
        m.manual_seed(9)
        return m.nn.LSTMCell(2, 3)(m.randn(4, 2), eval(hx))
    assert_matches_torch(program)


@pytest.mark.parametrize("code", ["m.nn.{c}(2, 3, False)", "m.nn.{c}(2, 3, bias=0)", "m.nn.{c}(-1, 3)",
                                  "m.nn.{c}(2, -3)", "m.nn.{c}(2.5, 3)", "m.nn.{c}(2, 3, dtype=m.float64)",
                                  "m.nn.{c}(2, 3, nonlinearity='relu')", "m.nn.{c}(2, 3, nonlinearity='x')"])
@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_construction(kind, code):
    def program(m):
        m.manual_seed(4)
        cell = eval(code.format(c=kind))
        return repr(cell), list(cell.named_parameters()), cell.bias_ih, cell.bias_hh
    assert_matches_torch(program)


def test_rnn_cell_checks_its_nonlinearity_when_called():
    """torch accepts any nonlinearity in RNNCell's constructor and refuses it at the call (after the ranks)."""
    def program(m, code):
        cell = m.nn.RNNCell(2, 3, nonlinearity="x")
        return eval(code)
    for code in ["cell(m.randn(4, 2))", "cell(m.randn(4, 2, 2))"]:
        assert_matches_torch(lambda m: program(m, code))


# --------------------------------------------------------------------------- the rest of the API
def test_all_weights_flat_weights_and_flatten_parameters():
    def program(m):
        m.manual_seed(1)
        layer = m.nn.LSTM(2, 3, 2, bidirectional=True, proj_size=1)
        return layer.flatten_parameters(), layer._all_weights, layer.all_weights, layer._flat_weights
    assert_matches_torch(program)


def test_a_parameter_assigned_over_another_is_used():
    def program(m):
        m.manual_seed(1)
        layer = m.nn.GRU(2, 3, dtype=m.float64)
        layer.weight_hh_l0 = m.nn.Parameter(m.zeros(9, 3, dtype=m.float64))
        return layer(m.randn(4, 1, 2, dtype=m.float64)), layer._flat_weights[1], layer.all_weights[0][1]
    assert_matches_torch(program, tolerance=FLOAT64)


@pytest.mark.parametrize("convert", ["layer.double()", "layer.to(m.float64)", "copy.deepcopy(layer).double()"])
def test_converted_and_copied_layers(convert):
    def program(m):
        m.manual_seed(1)
        layer = m.nn.RNN(2, 3, 2, bidirectional=True)
        layer = eval(convert)
        return layer(m.randn(3, 2, 2, dtype=m.float64)), layer._flat_weights
    assert_matches_torch(program, tolerance=FLOAT64)


def test_state_dict_round_trip_and_repr_in_a_model():
    def program(m):
        m.manual_seed(2)
        model = m.nn.Sequential(m.nn.Embedding(10, 4), m.nn.LSTM(4, 5, 2, batch_first=True, dropout=0.1))
        other = m.nn.Sequential(m.nn.Embedding(10, 4), m.nn.LSTM(4, 5, 2, batch_first=True, dropout=0.1))
        result = other.load_state_dict(model.state_dict())
        return repr(model), list(model.state_dict()), str(result), other[1].weight_hh_l1
    assert_matches_torch(program)


def test_training_a_gru_with_sgd():
    """A few SGD steps through a GRU and a Linear head: the same parameters after training."""
    def program(m):
        m.manual_seed(0)
        gru, head = m.nn.GRU(3, 4, batch_first=True, dtype=m.float64), m.nn.Linear(4, 1, dtype=m.float64)
        params = list(gru.parameters()) + list(head.parameters())
        optimizer = m.optim.SGD(params, lr=0.1)
        for step in range(3):
            optimizer.zero_grad()
            output, h_n = gru(m.randn(2, 5, 3, dtype=m.float64))
            loss = (head(h_n[-1]) ** 2).mean()
            loss.backward()
            optimizer.step()
        return params
    assert_matches_torch(program, tolerance=FLOAT64)


def test_no_grad_gives_results_without_graph():
    def program(m):
        m.manual_seed(2)
        with m.no_grad():
            return m.nn.GRU(3, 4, 2, batch_first=True)(m.randn(2, 5, 3))
    assert_matches_torch(program)


def test_minitorch_has_the_recurrent_layers_in_nn():
    for name in ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]:
        assert name in mt.nn.__all__ and issubclass(getattr(mt.nn, name), mt.nn.Module)


# --------------------------------------------------------------------------- nn.utils.rnn and packed sequences
def _packed_cases(count, seed=2):
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        kind = rng.choice(["RNN", "RNN_relu", "LSTM", "GRU"])
        sort = rng.random() < 0.3
        lengths = [rng.randint(1, 4) for _ in range(rng.randint(2, 4))]
        cases.append(dict(kind=kind, lengths=sorted(lengths, reverse=True) if sort else lengths, sort=sort,
                          layers=rng.randint(1, 2), bidirectional=rng.random() < 0.5,
                          dtype=rng.choice(["float32", "float64"]), h0=rng.random() < 0.5,
                          proj=1 if kind == "LSTM" and rng.random() < 0.3 else 0, dropout=rng.choice([0.0, 0.4]),
                          how=rng.choice(["pack_sequence", "pack_padded_sequence", "batch_first"]),
                          seed=rng.randint(0, 999)))
    return cases


def _run_packed(m, kind, lengths, sort, layers, bidirectional, dtype, h0, proj, dropout, how, seed):
    """Sequences packed, through a layer (after manual_seed), padded back, backward: everything to compare."""
    m.manual_seed(seed)
    rnn = m.nn.utils.rnn
    sequences = [_t(m, n, 2, seed=seed + i, dtype=dtype, requires_grad=True) for i, n in enumerate(lengths)]
    if how == "pack_sequence":
        packed = rnn.pack_sequence(sequences, enforce_sorted=sort)
    else:
        first = how == "batch_first"
        packed = rnn.pack_padded_sequence(rnn.pad_sequence(sequences, batch_first=first),
                                          m.tensor(lengths) if first else lengths, first, enforce_sorted=sort)
    options = dict(num_layers=layers, bidirectional=bidirectional, dropout=dropout, dtype=getattr(m, dtype))
    layer = _layer(m, kind, 2, 3, proj_size=proj, **options) if proj else _layer(m, kind, 2, 3, **options)
    hx = None
    if h0:
        hx = _t(m, (2 if bidirectional else 1) * layers, len(lengths), proj or 3, seed=seed + 9, dtype=dtype,
                requires_grad=True)
        hx = (hx, _t(m, *hx.shape[:2], 3, seed=seed + 8, dtype=dtype, requires_grad=True)) if kind == "LSTM" else hx
    output, h_n = layer(packed) if hx is None else layer(packed, hx)
    padded, padded_lengths = rnn.pad_packed_sequence(output, batch_first=seed % 2 == 0, padding_value=-1.0)
    _backward((h_n, padded))
    return (tuple(packed), type(output).__name__, tuple(_without_onednn_node(m, kind, dtype, output)), h_n, padded,
            padded_lengths, rnn.unpack_sequence(output), [s.grad for s in sequences],
            None if hx is None else [h.grad for h in _tensors(hx)], [(n, p.grad) for n, p in layer.named_parameters()])


@pytest.mark.parametrize("case", _packed_cases(40), ids=lambda c: "-".join(f"{v}" for v in c.values()))
def test_packed_sequences_through_the_layers(case):
    """Packed batches (sorted or not) through every layer: the packed output, each sequence's own last hidden
    state (in the batch's order), the padded output, and all the gradients, as torch's."""
    tolerance = FLOAT32 if case["dtype"] == "float32" else FLOAT64
    assert_matches_torch(lambda m: _run_packed(m, **case), tolerance=tolerance)


UTILS = {
    "pad": "r.pad_sequence([T(3, 2), T(1, 2), T(2, 2)])",
    "pad batch_first left": "r.pad_sequence([T(3, 2), T(1, 2)], batch_first=True, padding_side='left', "
                            "padding_value=7)",
    "pad left": "r.pad_sequence([T(3), T(1)], padding_side='left')", "pad 1-D": "r.pad_sequence([T(3), T(5)])",
    "pad 3-D": "r.pad_sequence([T(3, 2, 2), T(1, 2, 2)], True)",
    "pad int": "r.pad_sequence([m.arange(3), m.arange(5)], -1)",
    "pad int value": "r.pad_sequence([m.arange(3), m.arange(5)], padding_value=-1)",
    "pad dtypes": "r.pad_sequence([T(3), T(2).double()])", "pad empty one": "r.pad_sequence([T(0, 2), T(2, 2)])",
    "pad a tensor": "r.pad_sequence(T(3, 2, 2))", "pad a generator": "r.pad_sequence(t for t in [T(2), T(3)])",
    "pad nothing": "r.pad_sequence([])", "pad an int": "r.pad_sequence(5)",
    "pad side": "r.pad_sequence([T(2)], padding_side='up')",
    "pad 0-D": "r.pad_sequence([m.tensor(1.)])", "pad 0-D second": "r.pad_sequence([T(2), m.tensor(1.)])",
    "pad trailing dims": "r.pad_sequence([T(3, 2), T(2, 3)])",
    "pad float value into ints": "r.pad_sequence([m.arange(2), m.arange(3)], padding_value=1.7)",
    "pad bool value": "r.pad_sequence([T(2), T(1)], padding_value=True)",
    "pad tensor value": "r.pad_sequence([T(2), T(1)], padding_value=m.tensor(2.5))",
    "pad value None": "r.pad_sequence([T(2)], padding_value=None)",
    "pad value str": "r.pad_sequence([T(2)], False, 'a')",
    "pad side int": "r.pad_sequence([T(2)], padding_side=1)", "pad batch_first None": "r.pad_sequence([T(2)], None)",
    "pad an int in the list": "r.pad_sequence([T(2), 1])", "pad an array": "r.pad_sequence([T(2).detach().numpy()])",
    "pad an int first": "r.pad_sequence([1], 1)", "pad None": "r.pad_sequence([None])",
    "pack unsorted": "r.pack_sequence([T(1, 2), T(3, 2)])",
    "pack a zero length": "r.pack_padded_sequence(T(3, 2), [3, 0])",
    "pack lengths count": "r.pack_padded_sequence(T(3, 2), [3])",
    "pack empty": "r.pack_padded_sequence(T(0, 2), [0, 0])",
    "pack float lengths": "tuple(r.pack_padded_sequence(T(3, 2), m.tensor([3., 1.])))",
    "pack 2-D lengths": "r.pack_padded_sequence(T(3, 2), m.tensor([[3, 1]]))",
    "pack 1-D": "r.pack_padded_sequence(T(3), [3])", "pack 1-D batch_first": "r.pack_padded_sequence(T(3), [3], True)",
    "pack lengths past the end": "tuple(r.pack_padded_sequence(T(3, 2), [4, 1]))",
    "pack ties": "tuple(r.pack_padded_sequence(T(2, 4), [1, 2, 1, 2], enforce_sorted=False))",
    "pack batch_first": "tuple(r.pack_padded_sequence(T(2, 3, 2), [3, 1], batch_first=True))",
    "pack tuple lengths": "tuple(r.pack_padded_sequence(T(3, 2), (3, 2)))",
    "unpad": "r.unpad_sequence(r.pad_sequence([T(3, 2), T(1, 2)]), m.tensor([3, 1]))",
    "unpad batch_first": "r.unpad_sequence(r.pad_sequence([T(3, 2), T(1, 2)], True), m.tensor([3, 1]), True)",
    "unpad transposes in place": "(lambda p: (r.unpad_sequence(p, m.tensor([3, 1])), p.shape))"
                                 "(r.pad_sequence([T(3, 2).detach(), T(1, 2).detach()]))",
    "total_length": "r.pad_packed_sequence(r.pack_sequence([T(3, 2), T(1, 2)]), total_length=5)",
    "total_length short": "r.pad_packed_sequence(r.pack_sequence([T(3, 2), T(1, 2)]), total_length=2)",
    "pad_packed unsorted": "r.pad_packed_sequence(r.pack_sequence([T(1, 2), T(3, 2), T(2, 2)], False), True, -2)",
    "invert_permutation": "r.invert_permutation(m.tensor([2, 0, 1]))", "invert None": "r.invert_permutation(None)",
    "PackedSequence": "tuple(r.PackedSequence(T(3), m.tensor([2, 1])))",
    "PackedSequence of a pair": "tuple(r.PackedSequence((T(3), m.tensor([2, 1]))))",
    "PackedSequence without sizes": "r.PackedSequence(T(3))",
    "PackedSequence sorted": "tuple(r.PackedSequence(T(3), m.tensor([2, 1]), m.tensor([1, 0])))",
    "PackedSequence double": "tuple(r.pack_sequence([T(3, 2), T(1, 2)]).double())",
    "PackedSequence short, char, byte, long, int": "[tuple(getattr(r.pack_sequence([T(3, 2), T(1, 2)]), kind)()) "
                                                   "for kind in ('short', 'char', 'byte', 'long', 'int', 'half')]",
    "PackedSequence is_pinned, is_cuda, cpu": "(lambda p: (p.is_pinned(), p.is_cuda, p.cpu() is p))"
                                              "(r.pack_sequence([T(3, 2)]))",
    "PackedSequence _replace, index": "(lambda p: (type(p._replace(sorted_indices=None)).__name__, p[1]))"
                                      "(r.pack_sequence([T(3, 2), T(1, 2)]))",
    "pad_packed no batch sizes": "r.pad_packed_sequence(r.PackedSequence(T(0, 2), m.zeros(0, dtype=m.int64)))",
    "pad_packed ints": "r.pad_packed_sequence(r.pack_sequence([m.arange(3), m.arange(2)]), padding_value=-1)",
    "pack bools": "tuple(r.pack_sequence([m.ones(3, dtype=m.bool), m.zeros(1, dtype=m.bool)]))",
    "unpad list lengths": "r.unpad_sequence(T(3, 2), [3, 1])",
    "unpad too many lengths": "r.unpad_sequence(T(3, 2), m.tensor([3, 1, 1]))",
    "pack transposed input": "tuple(r.pack_padded_sequence(T(2, 3, 2).transpose(0, 1), [3, 2]))",
    "pack an empty list": "r.pack_sequence([])",
    "pack 0-D lengths": "r.pack_padded_sequence(T(3, 1), m.tensor(3))",
    "PackedSequence to itself": "(lambda p: p.to(m.float32) is p)(r.pack_sequence([T(3, 2)]))",
    "PackedSequence fields": "r.PackedSequence._fields, isinstance(r.pack_sequence([T(3, 2)]), tuple)",
    "PackedSequence repr": "torch_text(repr(r.pack_sequence([T(2, 1).detach()])))",
    "GRU packed, h0 batch": "m.nn.GRU(2, 3)(r.pack_sequence([T(3, 2), T(1, 2)], enforce_sorted=False), "
                            "m.zeros(1, 2, 4))",
    "GRU packed, h0 size": "m.nn.GRU(2, 3)(r.pack_sequence([T(3, 2), T(1, 2)]), m.zeros(1, 3, 3))",
    "GRU packed 3-D data": "m.nn.GRU(2, 3)(r.PackedSequence(T(3, 2, 2), m.tensor([2, 1])))",
    "RNN packed input size": "m.nn.RNN(3, 3)(r.pack_sequence([T(3, 2)]))",
    "RNN packed dtype": "m.nn.RNN(2, 3)(r.pack_sequence([T(3, 2).double()]))",
    "LSTM packed input size": "m.nn.LSTM(3, 3, dtype=m.float64)(r.pack_sequence([T(3, 2).double()]))",
    "LSTM packed h0 and c0 sizes": "m.nn.LSTM(2, 3, dtype=m.float64)(r.pack_sequence([T(3, 2).double()]), "
                                   "(m.zeros(1, 1, 4).double(), m.zeros(1, 1, 3).double()))",
    "LSTM packed three states": "m.nn.LSTM(2, 3, dtype=m.float64)(r.pack_sequence([T(3, 2).double()]), "
                                "(m.zeros(1, 1, 3).double(),) * 3)",
}


@pytest.mark.parametrize("name", UTILS)
def test_pad_pack_and_unpack(name):
    """pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence, unpack_sequence, unpad_sequence,
    PackedSequence and invert_permutation: torch's results (grad_fn too) and torch's errors."""
    def program(m):
        seeds = iter(range(100))

        def T(*shape):  # (a new random tensor that requires grad, from the next seed)
            return _t(m, *shape, seed=next(seeds), requires_grad=True)
        r = m.nn.utils.rnn
        return eval(UTILS[name])
    assert_matches_torch(program)
