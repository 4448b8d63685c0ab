"""`nn.utils.rnn`: batches of sequences of different lengths, padded or packed, as torch's.

A padded batch is one (L, N, *) tensor ((N, L, *) with batch_first), filled with `padding_value` past
the end of each sequence. A `PackedSequence` keeps only the real steps, time step after time step: its
`data` holds step 0 of every sequence (longest first), then step 1 of those still running..., and
`batch_sizes[t]` says how many sequences run at step t. The recurrent layers read it without computing
(nor learning from) the padding, and their last hidden state is each sequence's own last step.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from ... import _creation
from ... import _dtype as dt
from ..._tensor import Tensor
from ...ops import shape
from ..functional import _check_scalar_argument

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class _PackedSequenceFields(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(_PackedSequenceFields):
    """(data, batch_sizes, sorted_indices, unsorted_indices): made by `pack_padded_sequence` or `pack_sequence`.
    `sorted_indices` is the order (longest first) the batch was packed in, `unsorted_indices` its inverse."""

    def __new__(cls, data: Any, batch_sizes: Tensor | None = None, sorted_indices: Tensor | None = None,
                unsorted_indices: Tensor | None = None) -> "PackedSequence":
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:  # (data given as the pair (data, batch_sizes))
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        """The data converted by `Tensor.to`; the sequence itself when that changes nothing."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else type(self)(data, self.batch_sizes, self.sorted_indices,
                                                          self.unsorted_indices)

    def cpu(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        return self.to(*args, **kwargs)

    def double(self) -> "PackedSequence":
        return self.to(dtype=dt.float64)

    def float(self) -> "PackedSequence":
        return self.to(dtype=dt.float32)

    def half(self) -> "PackedSequence":
        return self.to(dtype=dt.float16)

    def long(self) -> "PackedSequence":
        return self.to(dtype=dt.int64)

    def int(self) -> "PackedSequence":
        return self.to(dtype=dt.int32)

    def short(self) -> "PackedSequence":
        return self.to(dtype=dt.int16)

    def char(self) -> "PackedSequence":
        return self.to(dtype=dt.int8)

    def byte(self) -> "PackedSequence":
        return self.to(dtype=dt.uint8)

    def is_pinned(self) -> bool:
        return False  # (no pinned memory off the GPU)

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse of a permutation (None for None): where each index went."""
    if permutation is None:
        return None
    output = _creation.empty_like(permutation)
    return output.scatter_(0, permutation, _creation.arange(0, permutation.numel()))


def pad_sequence(sequences: Any, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Sequences of shapes (L_i, *) as one (max L_i, N, *) tensor ((N, max L_i, *) with batch_first), each
    filled with `padding_value` after its end (before its start with padding_side='left')."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "
                           f"{type(sequences)}")
    sequences = tuple(sequences)
    _check_pad_arguments(sequences, batch_first, padding_value, padding_side)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if sequences[0].dim() == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")  # (torch's C++ reading its trailing dims)
    max_len = max(s.size(0) for s in sequences)
    lead = (len(sequences), max_len) if batch_first else (max_len, len(sequences))
    out = _creation.full((*lead, *sequences[0].shape[1:]), float(padding_value), dtype=sequences[0].dtype)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    for i, sequence in enumerate(sequences):
        length = sequence.size(0)
        start = max_len - length if padding_side == "left" else 0
        place = out.select(0, i).narrow(0, start, length) if batch_first else out.narrow(0, start, length).select(1, i)
        place.copy_(sequence)
    return out


def _check_pad_arguments(sequences: tuple, batch_first: Any, padding_value: Any, padding_side: Any) -> None:
    """torch's argument parser of its C++ pad_sequence: tensors, a bool, a number, a string."""
    for i, sequence in enumerate(sequences):
        if not isinstance(sequence, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {dt.python_type_name(sequence)}")
    _check_scalar_argument("pad_sequence", "batch_first", 2, batch_first, "bool")
    _check_scalar_argument("pad_sequence", "padding_value", 3, padding_value, "float")
    if not isinstance(padding_side, str):
        raise TypeError("pad_sequence(): argument 'padding_side' (position 4) must be str, not "
                        f"{dt.python_type_name(padding_side)}")


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list[Tensor]:
    """`pad_sequence` undone: the first lengths[i] steps of each sequence (torch transposes a padded batch
    that is not batch_first in place)."""
    if not batch_first:
        padded_sequences.transpose_(0, 1)
    steps = _creation.arange(padded_sequences.shape[1], device=lengths.device)
    return [sequence[steps < length] for sequence, length in zip(padded_sequences, lengths, strict=True)]


def pack_padded_sequence(input: Tensor, lengths: Any, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """A padded batch packed, given each sequence's length: sorted longest first by you (enforce_sorted), or
    here (the order kept in `sorted_indices`, to be undone by `pad_packed_sequence`)."""
    lengths = _creation.as_tensor(lengths, dtype=dt.int64) if not isinstance(lengths, Tensor) else lengths.to(dt.int64)
    sorted_indices = None
    if not enforce_sorted:
        lengths, sorted_indices = lengths.sort(descending=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    _check_packable(input, lengths, batch_first)
    data, batch_sizes = shape.PackPaddedSequence.apply(input, lengths, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def _check_packable(input: Tensor, lengths: Tensor, batch_first: bool) -> None:
    """torch's checks of `_pack_padded_sequence`, in its order."""
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    steps_first = input.transpose(0, 1) if batch_first else input
    if lengths.dim() != 1:
        raise RuntimeError(f"'lengths' argument should be a 1D CPU int64 tensor, but got {lengths.dim()}D cpu Long "
                           "tensor")
    batch_size = steps_first.size(1)
    if lengths.size(0) != batch_size:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lengths.size(0)} "
                           f"(batch_size={batch_size})")
    values = lengths.tolist()
    if values[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if any(shorter > longer for longer, shorter in zip(values, values[1:])):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You "
                           "can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to "
                           "sidestep this requirement if you do not need ONNX exportability.")


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """`pack_padded_sequence` undone: (the padded batch, in the order it had, each sequence's length);
    `total_length` pads to that many steps."""
    max_seq_length = sequence.batch_sizes.size(0)
    if total_length is not None:
        if total_length < max_seq_length:
            raise ValueError("Expected total_length to be at least the length of the longest sequence in input, "
                             f"but got total_length={total_length} and max sequence length being {max_seq_length}")
        max_seq_length = total_length
    batch_sizes = sequence.batch_sizes.tolist()
    if not batch_sizes:
        raise RuntimeError("batch_sizes can not be empty")
    data = sequence.data
    padded = _creation.full((max_seq_length, batch_sizes[0], *data.shape[1:]), padding_value, dtype=data.dtype)
    offset = 0
    for t, size in enumerate(batch_sizes):
        padded.select(0, t).narrow(0, 0, size).copy_(data.narrow(0, offset, size))
        offset += size
    lengths = (sequence.batch_sizes.unsqueeze(0) > _creation.arange(batch_sizes[0]).unsqueeze(1)).sum(1)
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is None:
        return padded, lengths
    return padded.index_select(0 if batch_first else 1, sequence.unsorted_indices), lengths[sequence.unsorted_indices]


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Sequences of shapes (L_i, *) packed (padded, then `pack_padded_sequence`)."""
    lengths = _creation.as_tensor([v.size(0) for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """`pack_sequence` undone: the list of sequences."""
    padded_sequences, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded_sequences, lengths, batch_first=True)
