"""Recurrent layers, as torch.nn's: `RNN`, `LSTM` and `GRU` over whole sequences, and their one-step cells.

A recurrent layer reads a sequence one step at a time and carries a hidden state from step to step:
h_t = step(x_t, h_{t-1}). The steps below hold the equations (`rnn_tanh_step`, `rnn_relu_step`,
`lstm_step`, `gru_step`); a layer runs one over the sequence, stacks `num_layers` of them (each reading
the outputs of the one below, with dropout in between while training) and, when `bidirectional`, runs a
second one from the last step to the first. Computed as torch does on the CPU, so values, graph nodes
and errors agree: the input projection x W_ih^T + b_ih of all the steps at once, then one step at a time.
Everything is made of existing ops (F.linear, sigmoid, tanh, chunk, stack, cat): autograd comes for free.

Every weight and bias starts from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), drawn in registration
order as torch does, so `manual_seed(s)` gives torch's weights.
"""
from __future__ import annotations

import itertools
import math
import numbers
import warnings
from typing import Any, Callable

from ... import _creation
from ..._functions import cat, stack
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ..utils.rnn import PackedSequence
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell", "rnn_tanh_cell",
           "rnn_relu_cell", "lstm_cell", "gru_cell"]


# ====================================================================== one step of each kind
# `input_gates` is x_t W_ih^T + b_ih, computed beforehand (for all the steps at once in a layer).
def rnn_tanh_step(input_gates: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None,
                  w_hr: Tensor | None = None) -> Tensor:
    """Elman RNN: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return (F.linear(h, w_hh, b_hh) + input_gates).tanh()


def rnn_relu_step(input_gates: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None,
                  w_hr: Tensor | None = None) -> Tensor:
    """Elman RNN with ReLU: h' = relu(x W_ih^T + b_ih + h W_hh^T + b_hh)."""
    return (F.linear(h, w_hh, b_hh) + input_gates).relu()


def lstm_step(input_gates: Tensor, hidden: tuple[Tensor, Tensor], w_hh: Tensor, b_hh: Tensor | None,
              w_hr: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """LSTM: four gates from x and h, in torch's order i (input), f (forget), g (candidate), o (output);
    the cell forgets part of itself and writes part of the candidate, c' = f * c + i * g, and the layer
    shows part of it, h' = o * tanh(c') (projected to proj_size by W_hr when the layer has one)."""
    h, c = hidden
    gates = F.linear(h, w_hh, b_hh) + input_gates
    i, f, g, o = gates.chunk(4, 1)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    c = f * c + i * g
    h = o * c.tanh()
    return (h if w_hr is None else h.matmul(w_hr.t())), c


def gru_step(input_gates: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None,
             w_hr: Tensor | None = None) -> Tensor:
    """GRU: gates r (reset) and z (update), in torch's order r, z, n; a candidate that reads the part of h
    the reset gate lets through, n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)); then
    h' = (1 - z) * n + z * h, computed as torch does: (h - n) * z + n."""
    x_r, x_z, x_n = input_gates.chunk(3, 1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, 1)
    r = (h_r + x_r).sigmoid()
    z = (h_z + x_z).sigmoid()
    n = (x_n + h_n * r).tanh()
    return (h - n) * z + n


# ====================================================================== one step on its own: torch.lstm_cell...
def _cell(name: str, step: Callable, input: Tensor, hidden: Any, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
          b_hh: Tensor | None) -> Any:
    """torch's checks of the arguments of the cell function `name` (their types, in its parser's order, then the
    sizes: input (N, H_in), each hidden state (N, H)), then `step` on the input's projection x W_ih^T + b_ih."""
    F._check_tensor_argument(name, "input", 1, input, optional=False)
    if step is lstm_step:  # (a tuple of tensors)
        if not isinstance(hidden, (tuple, list)):
            raise TypeError(f"lstm_cell(): argument 'hx' (position 2) must be tuple of Tensors, not "
                            f"{type(hidden).__name__}")
        for i, h in enumerate(hidden):
            if not isinstance(h, Tensor):
                raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type(h).__name__}")
        hidden = tuple(hidden)
    else:
        F._check_tensor_argument(name, "hx", 2, hidden, optional=False)
    for position, label, value in ((3, "w_ih", w_ih), (4, "w_hh", w_hh)):
        F._check_tensor_argument(name, label, position, value, optional=False)
    for position, label, value in ((5, "b_ih", b_ih), (6, "b_hh", b_hh)):
        F._check_tensor_argument(name, label, position, value)
    if step is lstm_step and len(hidden) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    hiddens = hidden if isinstance(hidden, tuple) else (hidden,)
    if input.size(1) != w_ih.size(1):
        raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} expected {w_ih.size(1)}")
    for label, h in enumerate(hiddens):
        if input.size(0) != h.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match hidden{label} batch size {h.size(0)}")
        if h.size(1) != w_hh.size(1):
            raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got {h.size(1)}, expected "
                               f"{w_hh.size(1)}")
    return step(F.linear(input, w_ih, b_ih), hidden, w_hh, b_hh)


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """`torch.rnn_tanh_cell`: one step of an Elman RNN (`rnn_tanh_step`) with the weights given; RNNCell's step."""
    return _cell("rnn_tanh_cell", rnn_tanh_step, input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
                  b_hh: Tensor | None = None) -> Tensor:
    """`torch.rnn_relu_cell`: one step of an Elman RNN with ReLU (`rnn_relu_step`)."""
    return _cell("rnn_relu_cell", rnn_relu_step, input, hx, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input: Tensor, hx: Any, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
              b_hh: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """`torch.lstm_cell`: one LSTM step (`lstm_step`), hx = (h, c); returns (h', c'). LSTMCell's step."""
    return _cell("lstm_cell", lstm_step, input, hx, w_ih, w_hh, b_ih, b_hh)


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None = None,
             b_hh: Tensor | None = None) -> Tensor:
    """`torch.gru_cell`: one GRU step (`gru_step`); GRUCell's step."""
    return _cell("gru_cell", gru_step, input, hx, w_ih, w_hh, b_ih, b_hh)


_STEPS = {"RNN_TANH": rnn_tanh_step, "RNN_RELU": rnn_relu_step, "LSTM": lstm_step, "GRU": gru_step}
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _gate_size(mode: str, hidden_size: int) -> int:
    """The rows of W_ih and W_hh: hidden_size per gate (torch keeps an RNN's as given: a bool is refused then)."""
    return hidden_size if _GATES[mode] == 1 else _GATES[mode] * hidden_size


def _check_cell_rank(cell: str, what: str, tensor: Tensor) -> None:
    """A cell's input and hidden states are (N, features) or unbatched (features)."""
    if tensor.dim() not in (1, 2):
        raise ValueError(f"{cell}: Expected {what} to be 1D or 2D, got {tensor.dim()}D instead")


def _run_direction(step: Callable, input: Tensor, hidden: Any, weights: tuple, reverse: bool) -> tuple:
    """One layer in one direction over a (L, N, H_in) sequence: (its outputs stacked (L, N, H), last hidden)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    steps = F.linear(input, w_ih, b_ih).unbind(0)  # x_t W_ih^T + b_ih of every step, at once
    outputs = []
    for input_gates in (reversed(steps) if reverse else steps):
        hidden = step(input_gates, hidden, w_hh, b_hh, w_hr)
        outputs.append(_output(hidden))
    if not outputs:
        raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
    return stack(outputs[::-1] if reverse else outputs, 0), hidden


def _run_packed_direction(step: Callable, data: Tensor, batch_sizes: list[int], hidden: Any, weights: tuple,
                          reverse: bool) -> tuple:
    """`_run_direction` over a packed sequence (see nn.utils.rnn): the batch shrinks as sequences end, so a
    sequence's last hidden state is the one of its own last step. (its outputs packed alike, last hiddens)."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    projected = F.linear(data, w_ih, b_ih)
    starts = [0, *itertools.accumulate(batch_sizes)][:-1]  # where each step's rows begin in `data`
    outputs = []
    if not reverse:  # the rows of sequences that have ended are set aside
        ended = []
        for start, size in zip(starts, batch_sizes):
            if size < _rows_of(hidden):
                ended.append(_rows(hidden, size, _rows_of(hidden)))
                hidden = _rows(hidden, 0, size)
            hidden = step(projected.narrow(0, start, size), hidden, w_hh, b_hh, w_hr)
            outputs.append(_output(hidden))
        return cat(outputs, 0), _join([hidden, *ended[::-1]])
    initial, hidden = hidden, _rows(hidden, 0, batch_sizes[-1])  # from the end: sequences join as they start
    for start, size in zip(starts[::-1], batch_sizes[::-1]):
        if size > _rows_of(hidden):
            hidden = _join([hidden, _rows(initial, _rows_of(hidden), size)])
        hidden = step(projected.narrow(0, start, size), hidden, w_hh, b_hh, w_hr)
        outputs.append(_output(hidden))
    return cat(outputs[::-1], 0), hidden


def _output(hidden: Any) -> Tensor:
    """What a step outputs: its hidden state (an LSTM's h, not its cell state c)."""
    return hidden[0] if isinstance(hidden, tuple) else hidden


def _rows_of(hidden: Any) -> int:
    """How many sequences a hidden state holds."""
    return _output(hidden).size(0)


def _rows(hidden: Any, start: int, end: int) -> Any:
    """Rows start:end of a hidden state (of both h and c for an LSTM)."""
    if isinstance(hidden, tuple):
        return tuple(h.narrow(0, start, end - start) for h in hidden)
    return hidden.narrow(0, start, end - start)


def _join(hiddens: list) -> Any:
    """Hidden states' rows one after the other (h with h and c with c for an LSTM)."""
    if isinstance(hiddens[0], tuple):
        return tuple(cat(list(parts), 0) for parts in zip(*hiddens))
    return cat(hiddens, 0)


# ====================================================================== the layers
class RNNBase(Module):
    """What RNN, LSTM and GRU share: the checks, the parameters (w_ih, w_hh, b_ih, b_hh[, w_hr] per layer
    and direction), their initialisation, running the steps and the repr. `mode`: RNN_TANH, RNN_RELU,
    LSTM or GRU."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        self._check_arguments(input_size, hidden_size, num_layers, bias, batch_first, dropout, proj_size)
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        self._flat_weights_names: list[str] = []
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(2 if bidirectional else 1):
                self._add_layer_parameters(layer, direction, _gate_size(mode, hidden_size), device, dtype)
        self.reset_parameters()

    @staticmethod
    def _check_arguments(input_size: Any, hidden_size: Any, num_layers: Any, bias: Any, batch_first: Any,
                         dropout: Any, proj_size: Any) -> None:
        """torch's checks, in its order (a dropout with one layer is allowed, with a warning)."""
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the probability of an "
                             "element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=4)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: {type(value).__name__}")
        if input_size <= 0:
            raise ValueError("input_size must be greater than zero")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")

    def _add_layer_parameters(self, layer: int, direction: int, gate_size: int, device: Any, dtype: Any) -> None:
        """weight_ih_l{layer}, weight_hh_l{layer}[, bias_ih_l{layer}, bias_hh_l{layer}][, weight_hr_l{layer}],
        with the suffix _reverse for the backward direction."""
        real_hidden_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        directions = 2 if self.bidirectional else 1
        layer_input_size = self.input_size if layer == 0 else real_hidden_size * directions
        shapes = {"weight_ih": (gate_size, layer_input_size), "weight_hh": (gate_size, real_hidden_size)}
        if self.bias:
            shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
        if self.proj_size > 0:
            shapes["weight_hr"] = (self.proj_size, self.hidden_size)
        suffix = "_reverse" if direction == 1 else ""
        names = []
        for kind, shape in shapes.items():
            names.append(f"{kind}_l{layer}{suffix}")
            setattr(self, names[-1], Parameter(_creation.empty(shape, dtype=dtype, device=device)))
        self._flat_weights_names.extend(names)
        self._all_weights.append(names)

    @property
    def _flat_weights(self) -> list:
        """The parameters in torch's order (read afresh: one assigned over another is seen)."""
        return [getattr(self, name, None) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters, one list per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op, as torch's off the GPU (there it packs the weights for cuDNN)."""

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    # ------------------------------------------------------------------ checks of a forward call
    def _check_rank(self, input: Tensor) -> None:
        if input.dim() not in (2, 3):
            kind = "RNN" if self.mode.startswith("RNN") else self.mode
            end = "D tensor instead" if kind == "RNN" else "D instead"
            raise ValueError(f"{kind}: Expected input to be 2D or 3D, got {input.dim()}{end}")

    def check_input(self, input: Tensor, batch_sizes: Tensor | None) -> None:
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight_dtype}). "
                             f"Convert input: input.to({weight_dtype}), or convert model: model.to({input.dtype})")
        expected_input_dim = 2 if batch_sizes is not None else 3
        if input.dim() != expected_input_dim:
            raise RuntimeError(f"input must have {expected_input_dim} dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError("input.size(-1) must be equal to input_size. "
                               f"Expected {self.input_size}, got {input.size(-1)}")

    def _mini_batch(self, input: Tensor, batch_sizes: Tensor | None) -> int:
        """The batch size N: a packed sequence's first batch size, or the input's batch dim."""
        if batch_sizes is not None:
            return int(batch_sizes[0])
        return input.size(0) if self.batch_first else input.size(1)

    def get_expected_hidden_size(self, input: Tensor, batch_sizes: Tensor | None) -> tuple[int, int, int]:
        mini_batch = self._mini_batch(input, batch_sizes)
        size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch, size)

    def check_hidden_size(self, hx: Tensor, expected_hidden_size: tuple[int, int, int],
                          msg: str = "Expected hidden size {}, got {}") -> None:
        if hx.size() != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input: Tensor, hidden: Tensor, batch_sizes: Tensor | None) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def permute_hidden(self, hx: Any, permutation: Tensor | None) -> Any:
        """The hidden state's batch in the order `permutation` (a packed batch's sorted or unsorted indices)."""
        if permutation is None:
            return hx
        if isinstance(hx, tuple):  # (an LSTM's (h, c))
            return tuple(h.index_select(1, permutation) for h in hx)
        return hx.index_select(1, permutation)

    def _zeros(self, input: Tensor, batch_sizes: Tensor | None, size: int) -> Tensor:
        """A zero initial state (num_layers * directions, N, size), of the input's dtype."""
        directions = 2 if self.bidirectional else 1
        batch = self._mini_batch(input, batch_sizes)
        return _creation.zeros(self.num_layers * directions, batch, size, dtype=input.dtype)

    # ------------------------------------------------------------------ the computation
    def _run_layers(self, input: Tensor, hiddens: list, batch_sizes: Tensor | None = None) -> tuple[Tensor, list]:
        """`input` (L, N, H_in), or a packed sequence's data and batch_sizes, through every layer: (the last
        layer's outputs, each layer and direction's last hidden state). `hiddens`: the initial ones, in that
        order (layer 0 forward, layer 0 backward, layer 1 forward...)."""
        step, directions = _STEPS[self.mode], 2 if self.bidirectional else 1
        weights = [self._step_weights(names) for names in self._all_weights]
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                k, reverse = layer * directions + direction, direction == 1
                output, hidden = _run_direction(step, input, hiddens[k], weights[k], reverse) if batch_sizes is None \
                    else _run_packed_direction(step, input, batch_sizes.tolist(), hiddens[k], weights[k], reverse)
                outputs.append(output)
                finals.append(hidden)
            input = outputs[0] if directions == 1 else cat(outputs, -1)
            if self.dropout != 0 and self.training and layer < self.num_layers - 1:
                input = F.dropout(input, self.dropout, True)
        return input, finals

    def _step_weights(self, names: list[str]) -> tuple:
        """(w_ih, w_hh, b_ih, b_hh, w_hr) of one layer and direction, None for those it lacks."""
        by_kind = {name.split("_l")[0]: getattr(self, name) for name in names}
        return tuple(by_kind.get(kind) for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"))

    def _forward_one_hidden(self, input: Tensor | PackedSequence, hx: Tensor | None) -> tuple[Any, Tensor]:
        """RNN's and GRU's forward: a hidden state h only."""
        if isinstance(input, PackedSequence):
            data, batch_sizes, sorted_indices, unsorted_indices = input
            hx = self._zeros(data, batch_sizes, self.hidden_size) if hx is None else \
                self.permute_hidden(hx, sorted_indices)
            self.check_forward_args(data, hx, batch_sizes)
            output, finals = self._run_layers(data, list(hx.unbind(0)), batch_sizes)
            return (PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices),
                    self.permute_hidden(stack(finals, 0), unsorted_indices))
        self._check_rank(input)
        batched, batch_dim = input.dim() == 3, 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if hx.dim() != 2:
                    raise RuntimeError(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor")
                hx = hx.unsqueeze(1)
        elif hx is not None and hx.dim() != 3:
            raise RuntimeError(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor")
        hx = self._zeros(input, None, self.hidden_size) if hx is None else hx
        self.check_forward_args(input, hx, None)
        output, finals = self._run_layers(input.transpose(0, 1) if self.batch_first else input, list(hx.unbind(0)))
        if self.batch_first:
            output.transpose_(0, 1)  # (in place, as torch's C++)
        h_n = stack(finals, 0)
        return (output, h_n) if batched else (output.squeeze(batch_dim), h_n.squeeze(1))

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu, `nonlinearity='relu'`).

    RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
    dropout=0.0, bidirectional=False). Input (L, N, H_in), (N, L, H_in) with batch_first, or unbatched
    (L, H_in); returns (output of the last layer at every step, h_n of every layer and direction).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.")
        super().__init__("RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)

    def forward(self, input: Tensor | PackedSequence, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        return self._forward_one_hidden(input, hx)


class GRU(RNNBase):
    """Gated recurrent unit (see `gru_step`). GRU(input_size, hidden_size, num_layers=1, bias=True,
    batch_first=False, dropout=0.0, bidirectional=False); inputs and outputs as `RNN`'s."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input: Tensor | PackedSequence, hx: Tensor | None = None) -> tuple[Any, Tensor]:
        return self._forward_one_hidden(input, hx)


class LSTM(RNNBase):
    """Long short-term memory (see `lstm_step`): a hidden state h and a cell state c.

    LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, proj_size=0). Returns (output, (h_n, c_n)); with proj_size > 0, h (and the
    output) has proj_size features, c keeps hidden_size.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def _zero_states(self, input: Tensor, batch_sizes: Tensor | None) -> tuple[Tensor, Tensor]:
        """Zero (h0, c0): h0 of proj_size features when the layer projects, c0 of hidden_size."""
        return (self._zeros(input, batch_sizes, self.proj_size if self.proj_size > 0 else self.hidden_size),
                self._zeros(input, batch_sizes, self.hidden_size))

    def _run_lstm(self, input: Tensor, hx: Any, batch_sizes: Tensor | None = None) -> tuple[Tensor, Tensor, Tensor]:
        """(output, h_n, c_n) from (h0, c0), torch's `_VF.lstm`."""
        if len(hx) != 2:
            raise RuntimeError("lstm expects two hidden states")
        projects = hx[0].size(2) != hx[1].size(2)  # (torch reads whether the layer projects from h0 and c0)
        if len(self._flat_weights) % ((4 if self.bias else 2) + projects) != 0:
            raise RuntimeError("got an incorrect number of RNN parameters")
        output, finals = self._run_layers(input, list(zip(hx[0].unbind(0), hx[1].unbind(0))), batch_sizes)
        return output, stack([h for h, _ in finals], 0), stack([c for _, c in finals], 0)

    def get_expected_cell_size(self, input: Tensor, batch_sizes: Tensor | None) -> tuple[int, int, int]:
        mini_batch = self._mini_batch(input, batch_sizes)
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch, self.hidden_size)

    def check_forward_args(self, input: Tensor, hidden: tuple[Tensor, Tensor],  # type: ignore[override]
                           batch_sizes: Tensor | None) -> None:
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def forward(self, input: Tensor | PackedSequence,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Any, tuple[Tensor, Tensor]]:
        if isinstance(input, PackedSequence):  # (torch checks none of the sizes in Python then)
            data, batch_sizes, sorted_indices, unsorted_indices = input
            hx = self._zero_states(data, batch_sizes) if hx is None else self.permute_hidden(hx, sorted_indices)
            output, h_n, c_n = self._run_lstm(data, hx, batch_sizes)
            return (PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices),
                    self.permute_hidden((h_n, c_n), unsorted_indices))
        self._check_rank(input)
        batched, batch_dim = input.dim() == 3, 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
        if hx is None:
            hx = self._zero_states(input, None)
        else:
            expected = 3 if batched else 2
            if hx[0].dim() != expected or hx[1].dim() != expected:
                raise RuntimeError(f"For {'batched 3' if batched else 'unbatched 2'}-D input, hx and cx should "
                                   f"also be {expected}-D but got ({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            if not batched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self.check_forward_args(input, hx, None)
        output, h_n, c_n = self._run_lstm(input.transpose(0, 1) if self.batch_first else input, hx)
        if self.batch_first:
            output = output.transpose(0, 1)
        if not batched:
            return output.squeeze(batch_dim), (h_n.squeeze(1), c_n.squeeze(1))
        return output, (h_n, c_n)


# ====================================================================== the cells: one step, by hand
class RNNCellBase(Module):
    """What the cells share: weight_ih (num_chunks * hidden_size, input_size), weight_hh (num_chunks *
    hidden_size, hidden_size), bias_ih and bias_hh (num_chunks * hidden_size), initialised as the layers'."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        gate_size = num_chunks * hidden_size
        self.weight_ih = Parameter(_creation.empty((gate_size, input_size), dtype=dtype, device=device))
        self.weight_hh = Parameter(_creation.empty((gate_size, hidden_size), dtype=dtype, device=device))
        if bias:
            self.bias_ih = Parameter(_creation.empty(gate_size, dtype=dtype, device=device))
            self.bias_hh = Parameter(_creation.empty(gate_size, dtype=dtype, device=device))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += f", bias={self.bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _weights(self) -> tuple:
        """(weight_ih, weight_hh, bias_ih, bias_hh): the last arguments of torch's cell functions."""
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh

    def _batched(self, cell: str, input: Tensor, hx: Tensor | None) -> tuple[Tensor, Tensor, bool]:
        """RNNCell's and GRUCell's checks of the ranks, then (input, hidden state, whether batched): unbatched
        ones given a batch of one, a missing state zeros."""
        _check_cell_rank(cell, "input", input)
        if hx is not None:
            _check_cell_rank(cell, "hidden", hx)
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        return input, self._zeros(input) if hx is None else hx if batched else hx.unsqueeze(0), batched

    def _zeros(self, input: Tensor) -> Tensor:
        return _creation.zeros(input.size(0), self.hidden_size, dtype=input.dtype)


class RNNCell(RNNCellBase):
    """One step of `RNN`: h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu). Input (N, H_in) or (H_in)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, hx, batched = self._batched("RNNCell", input, hx)
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        h = (rnn_tanh_cell if self.nonlinearity == "tanh" else rnn_relu_cell)(input, hx, *self._weights())
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One step of `LSTM` (see `lstm_step`): (h', c') from x and (h, c)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        _check_cell_rank("LSTMCell", "input", input)
        for i, h in enumerate(() if hx is None else hx):
            _check_cell_rank("LSTMCell", f"hx[{i}]", h)
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = self._zeros(input)
            hx = (zeros, zeros)
        elif not batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        h, c = lstm_cell(input, hx, *self._weights())
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One step of `GRU` (see `gru_step`): h' from x and h."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        input, hx, batched = self._batched("GRUCell", input, hx)
        h = gru_cell(input, hx, *self._weights())
        return h if batched else h.squeeze(0)
