"""Views, shape and joining ops, second differential probe: the edges it found, each run on both libraries.

What this proves, beyond `test_views.py` (writes through views, saved tensors changed in place):
- split, split_with_sizes, tensor_split (a number of sections, indices, or a tensor of either) and
  hsplit / vsplit / dsplit give torch's pieces (values, shapes, strides, grad_fn names, gradients, views of
  the input), and torch's errors for 0-d tensors, zero or negative sizes and bad tensor arguments;
- torch.split takes torch's keyword names; torch.swapaxes / swapdims and Tensor.swapdims exist;
- dstack, column_stack, row_stack and atleast_1d/2d/3d build what torch builds (views where torch's are);
- cat (and concatenate's `axis`), stack and the *stack functions take `out=`: cast to out's dtype where
  torch's casting rule allows it, torch's errors where it does not or where autograd is on;
- a leaf's first `.grad` is laid out as the leaf (contiguous), even when it came back through a transpose;
- expand's strides, Tensor.unfold (a strided view of windows) and view(dtype) (the same bytes read as
  another dtype) are torch's, and so are view's errors for arguments neither of its overloads takes;
- in-place writes: a leaf that is itself a view is refused as torch refuses it; views of memory written
  without a record (no_grad, a detached alias) get torch's AsStridedBackward0 node;
- ravel, adjoint, rot90's layout, movedim of a 0-d tensor, and the in-place reshapes (t_, transpose_,
  squeeze_, unsqueeze_...) match torch, their nodes and versions included;
- cat and stack give a row-major result unless every input is channels_last, as torch's;
- an empty view reports the strides it was taken with, a new empty tensor contiguous ones.
"""
from __future__ import annotations

import math

import pytest

from parity_tests.outcomes import assert_matches_torch


def _x(m, *shape, grad=True, dtype="float32"):
    """0, 1, 2... in `shape` (a leaf that requires grad unless `grad=False`)."""
    t = m.arange(float(math.prod(shape)), dtype=getattr(m, dtype)).reshape(shape)
    return t.requires_grad_() if grad else t


def _layout(base, t):
    """`t` and how it lies in memory: strides, contiguity, whether it is a view, whether it starts where
    `base` does (None when empty: nothing to point at)."""
    return t, t.stride(), t.is_contiguous(), t._base is not None, t.data_ptr() == base.data_ptr() if t.numel() else None


def _pieces(op, *shape):
    """`op(m, x)`'s pieces, each with its layout, then x's gradient from a weighted sum of them."""
    def program(m):
        x = _x(m, *shape)
        pieces = op(m, x)
        laid = [_layout(x, p) for p in pieces]
        sum((p * (m.arange(float(p.numel())).reshape(p.shape) + 1)).sum() for p in pieces).backward()
        return laid, x.grad
    return program


def _result(op, *shape, grad=True):
    """`op(m, x)` with its layout, and x's gradient (when x requires grad and the result carries it)."""
    def program(m):
        x = _x(m, *shape, grad=grad)
        out = op(m, x)
        if grad and out.requires_grad:
            (out * (m.arange(float(out.numel())).reshape(out.shape) + 1)).sum().backward()
        return _layout(x, out), x.grad
    return program


# --------------------------------------------------------------------------- split and its relatives
SPLITS = {
    "split_zero_of_a_nonempty_dim": lambda m, x: x.split(0, 1),
    "split_of_0d": lambda m, x: x.reshape(-1)[0].split(1),
    "split_list_of_0d": lambda m, x: x.reshape(-1)[0].split([1]),
    "split_negative_size_in_list": lambda m, x: x.split([-1, 8], 1),
    "split_negative_and_wrong_sum": lambda m, x: x.split([-1, 9], 1),
    "unbind_0d": lambda m, x: x.reshape(-1)[0].unbind(),
    "unbind_0d_dim_out_of_range": lambda m, x: x.reshape(-1)[0].unbind(3),
    "torch_split_keywords": lambda m, x: m.split(x, split_size_or_sections=2, dim=1),
    "torch_split_list": lambda m, x: m.split(x, [3, 4], 1),
    "split_with_sizes": lambda m, x: x.split_with_sizes([2, 5], 1),
    "split_with_sizes_keyword": lambda m, x: x.split_with_sizes(split_sizes=(1, 2), dim=0),
    "split_with_sizes_wrong_sum": lambda m, x: x.split_with_sizes([2, 4], 1),
    "split_with_sizes_int": lambda m, x: x.split_with_sizes(2, 1),
    "torch_split_with_sizes": lambda m, x: m.split_with_sizes(x, [2, 5], -1),
    "tensor_split_sections": lambda m, x: x.tensor_split(3, 1),
    "tensor_split_more_sections_than_elements": lambda m, x: x.tensor_split(9, 1),
    "tensor_split_zero_sections": lambda m, x: x.tensor_split(0, 1),
    "tensor_split_indices": lambda m, x: x.tensor_split([1, 4], 1),
    "tensor_split_indices_backwards_negative_past_end": lambda m, x: x.tensor_split([5, 2, -1, 10], 1),
    "tensor_split_tensor_sections": lambda m, x: x.tensor_split(m.tensor(2), 1),
    "tensor_split_tensor_indices": lambda m, x: x.tensor_split(m.tensor([1, 4]), 1),
    "tensor_split_float_tensor": lambda m, x: x.tensor_split(m.tensor([1.0]), 1),
    "tensor_split_2d_tensor": lambda m, x: x.tensor_split(m.tensor([[1]]), 1),
    "tensor_split_of_0d": lambda m, x: x.reshape(-1)[0].tensor_split(1, 3),
    "tensor_split_keywords": lambda m, x: x.tensor_split(indices=[1], dim=1),
    "torch_tensor_split": lambda m, x: m.tensor_split(x, 2),
    "hsplit": lambda m, x: x.hsplit(7),
    "hsplit_indices": lambda m, x: m.hsplit(x, [2]),
    "hsplit_not_divisible": lambda m, x: x.hsplit(2),
    "hsplit_zero": lambda m, x: x.hsplit(0),
    "hsplit_1d": lambda m, x: x.reshape(-1).hsplit(3),
    "hsplit_0d": lambda m, x: x.reshape(-1)[0].hsplit(1),
    "vsplit": lambda m, x: m.vsplit(x, 3),
    "vsplit_indices": lambda m, x: x.vsplit([1]),
    "vsplit_1d": lambda m, x: x.reshape(-1).vsplit(3),
    "vsplit_negative": lambda m, x: x.vsplit(-1),
    "dsplit": lambda m, x: x.reshape(3, 7, 1).expand(3, 7, 4).dsplit(2),
    "dsplit_2d": lambda m, x: m.dsplit(x, 2),
}


@pytest.mark.parametrize("name", SPLITS)
def test_split_family_gives_torchs_pieces_and_errors(name):
    """Each piece: values, strides, a view of x or not, grad_fn name; x's gradient; or torch's exception."""
    assert_matches_torch(_pieces(SPLITS[name], 3, 7), exact=True, contiguity=True)


def test_tensor_split_pieces_may_be_changed_in_place():
    """tensor_split's pieces are plain slices (torch refuses in-place changes of split's, not of these)."""
    def program(m):
        x = _x(m, 3, 4)
        y = x * 1
        first, _ = y.tensor_split(2, 1)
        first.mul_(2)
        y.sum().backward()
        return y, x.grad
    assert_matches_torch(program, exact=True)


# --------------------------------------------------------------------------- joining
def _joined(op, *shapes, dtypes=("float32", "float32")):
    """`op(m, a, b)` on two leaves (`a` requires grad when floating), its layout and a's gradient."""
    def program(m):
        a, b = (_x(m, *s, grad=d.startswith("float"), dtype=d) for s, d in zip(shapes, dtypes))
        out = op(m, a, b)
        if isinstance(out, tuple):
            return tuple(_layout(a, t) for t in out)
        if out.requires_grad:
            (out * (m.arange(float(out.numel())).reshape(out.shape) + 1)).sum().backward()
        return _layout(a, out), a.grad
    return program


JOINS = {
    "dstack": (lambda m, a, b: m.dstack([a, b]), (2, 3), (2, 3)),
    "dstack_1d": (lambda m, a, b: m.dstack((a, b)), (3,), (3,)),
    "dstack_empty": (lambda m, a, b: m.dstack([]), (1,), (1,)),
    "column_stack": (lambda m, a, b: m.column_stack([a, b]), (3,), (3, 2)),
    "column_stack_0d": (lambda m, a, b: m.column_stack([a.reshape(()), b.reshape(())]), (1,), (1,)),
    "column_stack_empty": (lambda m, a, b: m.column_stack([]), (1,), (1,)),
    "row_stack": (lambda m, a, b: m.row_stack([a, b]), (3,), (2, 3)),
    "concatenate_axis": (lambda m, a, b: m.concatenate([a, b], axis=1), (2, 3), (2, 2)),
    "cat_axis": (lambda m, a, b: m.cat((a, b), axis=-1), (2, 3), (2, 2)),
    "atleast_1d_of_0d": (lambda m, a, b: m.atleast_1d(a.reshape(())), (1,), (1,)),
    "atleast_2d_of_1d": (lambda m, a, b: m.atleast_2d(a), (3,), (1,)),
    "atleast_3d_of_1d": (lambda m, a, b: m.atleast_3d(a), (3,), (1,)),
    "atleast_3d_of_2d": (lambda m, a, b: m.atleast_3d(a), (2, 3), (1,)),
    "atleast_3d_of_0d": (lambda m, a, b: m.atleast_3d(a.reshape(())), (1,), (1,)),
    "atleast_2d_of_3d": (lambda m, a, b: m.atleast_2d(a), (2, 1, 3), (1,)),
    "atleast_2d_of_two": (lambda m, a, b: m.atleast_2d(a.reshape(()), b), (1,), (3,)),
    "atleast_1d_of_a_list": (lambda m, a, b: m.atleast_1d([a, b.reshape(())]), (2,), (1,)),
    "atleast_1d_of_none": (lambda m, a, b: m.atleast_1d(), (1,), (1,)),
    "swapdims": (lambda m, a, b: a.swapdims(0, -1), (2, 3, 4), (1,)),
    "torch_swapaxes": (lambda m, a, b: m.swapaxes(a, 0, 2), (2, 3, 4), (1,)),
    "torch_swapdims": (lambda m, a, b: m.swapdims(a, 1, 0), (2, 3, 4), (1,)),
}


@pytest.mark.parametrize("name", JOINS)
def test_joining_and_reshaping_functions_match_torch(name):
    op, *shapes = JOINS[name]
    assert_matches_torch(_joined(op, *shapes), exact=True, contiguity=True)


def _into_out(op, out_shape=(0,), out_dtype="float32", dtypes=("float32", "float32"), detach=True):
    """`op(m, [a, b], out)` into a new `out`: (whether it returned out, out), with the warnings."""
    def program(m):
        a, b = (_x(m, 2, 3, grad=d.startswith("float"), dtype=d) for d in dtypes)
        a = a.detach() if detach else a
        out = m.ones(out_shape, dtype=getattr(m, out_dtype))
        got = op(m, [a, b], out)
        return got is out, out
    return program


OUTS = {
    "cat": (lambda m, ts, out: m.cat(ts, 1, out=out), {}),
    "cat_resized_with_a_warning": (lambda m, ts, out: m.cat(ts, out=out), dict(out_shape=(2, 2))),
    "cat_cast_to_out": (lambda m, ts, out: m.cat(ts, out=out), dict(out_dtype="float64")),
    "cat_int_to_float16": (lambda m, ts, out: m.cat(ts, out=out), dict(out_dtype="float16",
                                                                       dtypes=("float32", "int64"))),
    "cat_float_to_int_refused": (lambda m, ts, out: m.cat(ts, out=out), dict(out_dtype="int64")),
    "cat_int_to_bool_refused": (lambda m, ts, out: m.cat(ts, out=out), dict(out_dtype="bool",
                                                                            dtypes=("int64", "int64"))),
    "cat_with_grad_refused": (lambda m, ts, out: m.cat(ts, out=out), dict(detach=False)),
    "concat": (lambda m, ts, out: m.concat(ts, dim=-1, out=out), {}),
    "stack": (lambda m, ts, out: m.stack(ts, 2, out=out), {}),
    "stack_cast_to_out": (lambda m, ts, out: m.stack(ts, out=out), dict(out_dtype="float64")),
    "stack_float_to_int_refused": (lambda m, ts, out: m.stack(ts, out=out), dict(out_dtype="int64")),
    "stack_with_grad_refused": (lambda m, ts, out: m.stack(ts, out=out), dict(detach=False)),
    "hstack": (lambda m, ts, out: m.hstack(ts, out=out), {}),
    "vstack": (lambda m, ts, out: m.vstack(ts, out=out), dict(out_dtype="float64")),
    "row_stack_with_grad_refused": (lambda m, ts, out: m.row_stack(ts, out=out), dict(detach=False)),
    "dstack": (lambda m, ts, out: m.dstack(ts, out=out), {}),
    "column_stack": (lambda m, ts, out: m.column_stack(ts, out=out), dict(out_dtype="int64")),
}


@pytest.mark.parametrize("name", OUTS)
def test_joining_into_out_casts_resizes_and_refuses_as_torch(name):
    op, options = OUTS[name]
    assert_matches_torch(_into_out(op, **options), exact=True, warnings=True)


# --------------------------------------------------------------------------- gradients' layout
LAYOUTS = {
    "t": lambda m, x: x.t(),
    "permute": lambda m, x: x.unsqueeze(0).permute(2, 0, 1),
    "mT": lambda m, x: x.mT,
    "movedim": lambda m, x: x.movedim(0, 1),
    "transpose_then_flatten": lambda m, x: x.transpose(0, 1).flatten(),
    "transpose_then_contiguous": lambda m, x: x.t().contiguous(),
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_a_leafs_first_grad_is_laid_out_as_the_leaf(name):
    """torch's AccumulateGrad gives .grad the leaf's strides, whatever layout the gradient came back in."""
    def program(m):
        x = _x(m, 3, 4)
        out = LAYOUTS[name](m, x)
        (out * m.arange(float(out.numel())).reshape(out.shape)).sum().backward()  # (a gradient in out's layout)
        return x.grad, x.grad.stride()
    assert_matches_torch(program, exact=True, contiguity=True)


# --------------------------------------------------------------------------- expand's strides
@pytest.mark.parametrize("shape, target", [
    ((3, 4), (1, 3, 4)), ((3, 4), (2, 1, 3, 4)), ((3, 1), (1, 3, 5)), ((2, 1), (1, 2, 1)), ((1,), (1, 1)),
    ((), (1, 1)), ((), (3, 1)),
])
def test_expand_gives_torchs_strides(shape, target):
    """A new leading dim of size 1 steps over the dims inside it (so `expand(1, *x.shape)` stays contiguous
    and can be viewed as one row); an expanded 0-d tensor has every stride 0."""
    assert_matches_torch(_result(lambda m, x: x.reshape(shape).expand(target), max(math.prod(shape), 1)),
                         exact=True, contiguity=True)


def test_an_expanded_tensor_with_a_new_dim_of_one_views_as_a_row():
    assert_matches_torch(_result(lambda m, x: x.expand(1, 3, 4).view(12), 3, 4), exact=True, contiguity=True)


# --------------------------------------------------------------------------- Tensor.unfold
UNFOLDS = {
    "windows": (lambda m, x: x.unfold(1, 2, 1), (2, 5)),
    "steps_apart": (lambda m, x: x.unfold(1, 2, 2), (2, 5)),
    "gaps_between_windows": (lambda m, x: x.unfold(0, 2, 3), (8, 2)),
    "first_dim_of_3d": (lambda m, x: x.unfold(0, 2, 1), (3, 2, 2)),
    "negative_dim": (lambda m, x: x.unfold(-1, 3, 1), (2, 5)),
    "of_a_transpose": (lambda m, x: x.t().unfold(0, 2, 1), (2, 5)),
    "twice": (lambda m, x: x.unfold(1, 3, 1).unfold(0, 2, 1), (3, 5)),
    "keywords": (lambda m, x: x.unfold(dimension=1, size=2, step=1), (2, 5)),
    "of_0d": (lambda m, x: x.reshape(()).unfold(0, 1, 1), (1,)),
    "of_0d_big_step": (lambda m, x: x.reshape(()).unfold(-1, 1, 3), (1,)),
    "of_0d_too_big": (lambda m, x: x.reshape(()).unfold(0, 2, 1), (1,)),
    "too_big": (lambda m, x: x.unfold(1, 6, 1), (2, 5)),
    "negative_size": (lambda m, x: x.unfold(1, -1, 1), (2, 5)),
    "zero_step": (lambda m, x: x.unfold(1, 2, 0), (2, 5)),
    "dim_out_of_range": (lambda m, x: x.unfold(2, 1, 1), (2, 5)),
    "float_dim": (lambda m, x: x.unfold(1.0, 2, 1), (2, 5)),
    "bool_size": (lambda m, x: x.unfold(1, True, 1), (2, 5)),
}


@pytest.mark.parametrize("name", UNFOLDS)
def test_tensor_unfold_is_torchs_strided_view_of_windows(name):
    """Values, shape, strides, a view of x (UnfoldBackward0), x's gradient (overlapping windows add up);
    or torch's error."""
    op, shape = UNFOLDS[name]
    assert_matches_torch(_result(op, *shape), exact=True, contiguity=True)


def test_a_write_into_an_unfolded_view_reaches_the_tensor():
    def program(m):
        x = _x(m, 2, 5, grad=False)
        x.unfold(1, 2, 2)[:, :, 0].fill_(-1)
        return x
    assert_matches_torch(program, exact=True)


# --------------------------------------------------------------------------- view(dtype)
VIEW_DTYPES = {
    "same_size": lambda m, x: x.view(m.int32),
    "same_dtype": lambda m, x: x.view(m.float32),
    "keyword": lambda m, x: x.view(dtype=m.int32),
    "smaller_elements": lambda m, x: x.view(m.float16),
    "bytes": lambda m, x: x.view(m.uint8),
    "bools": lambda m, x: (x * 0).view(m.bool),
    "larger_elements": lambda m, x: x.view(m.float64),
    "int64_as_float64": lambda m, x: x.long().view(m.float64),
    "float16_as_int16": lambda m, x: x.half().view(m.int16),
    "of_a_transpose_same_size": lambda m, x: x.t().view(m.int32),
    "of_a_slice": lambda m, x: x[1:, :2].view(m.float64),
    "of_a_flat_slice": lambda m, x: x.reshape(-1)[2:6].view(m.float64),
    "of_0d_same_size": lambda m, x: x[0, 0].view(m.int32),
    "of_0d_other_size": lambda m, x: x[0, 0].view(m.float16),
    "odd_last_dim": lambda m, x: x[:, 1:].view(m.float64),
    "odd_start": lambda m, x: x[:, 1:3].view(m.float64),
    "odd_start_of_a_transpose": lambda m, x: x.t()[1:].view(m.float64),
    "last_stride_not_1": lambda m, x: x.t().view(m.float64),
    "last_stride_not_1_smaller": lambda m, x: x[:, ::2].view(m.float16),
    "odd_stride": lambda m, x: x.reshape(-1)[:15].reshape(5, 3)[:, :2].view(m.float64),
    "expanded": lambda m, x: x[:1].expand(3, 4).view(m.float64),
}


@pytest.mark.parametrize("name", VIEW_DTYPES)
def test_view_dtype_reads_the_same_bytes_as_torch(name):
    """The bytes read as another dtype, in x's memory (strides, not a `_base` view, outside the graph even
    when x requires grad); or torch's error, with its conditions checked in its order."""
    assert_matches_torch(_result(VIEW_DTYPES[name], 4, 4), exact=True, contiguity=True)


def test_a_write_through_view_dtype_changes_the_tensor_and_its_version():
    def program(m):
        x = _x(m, 2, 2, grad=False)
        as_ints = x.view(m.int32)
        as_ints[0, 0] = 1065353216  # (the bits of 1.0)
        return x, x._version, as_ints._version
    assert_matches_torch(program, exact=True)


def test_a_write_through_view_dtype_is_caught_by_backward():
    def program(m):
        x = _x(m, 2, 2)
        y = x * 2
        s = y.sin()
        y.view(m.int32).add_(1)
        s.sum().backward()
    assert_matches_torch(program, drop_hints=True)


# --------------------------------------------------------------------------- in-place writes into views
def _view_leaf(m):
    """A leaf that requires grad and is itself a view (of the arange it was reshaped from)."""
    return m.arange(12.0).reshape(3, 4).requires_grad_()


def _view_made_leaf(m):
    """A leaf made from a slice of a tensor that needs no gradient."""
    return m.zeros(3, 4)[1:].requires_grad_()


def _no_grad_view_of_leaf(m):
    leaf = m.ones(3, 4, requires_grad=True)
    with m.no_grad():
        return leaf[1:]


WRITES = {
    "view_leaf_itself": lambda m: _view_leaf(m).add_(1),
    "slice_of_a_view_leaf": lambda m: _view_leaf(m)[1:].add_(1),
    "transpose_of_a_view_leaf": lambda m: _view_leaf(m).t().mul_(2),
    "setitem_of_a_view_leaf": lambda m: _view_leaf(m).__setitem__(0, 1.0),
    "setitem_into_a_slice_of_a_view_leaf": lambda m: _view_leaf(m)[1:].__setitem__(0, 1.0),
    "split_piece_of_a_view_leaf": lambda m: _view_leaf(m).split(2)[0].mul_(2),
    "unbind_piece_of_a_view_leaf": lambda m: _view_leaf(m).unbind()[0].mul_(2),
    "leaf_made_from_a_slice": lambda m: _view_made_leaf(m).add_(1),
    "view_of_a_leaf_taken_under_no_grad": lambda m: _no_grad_view_of_leaf(m).add_(1),
}


@pytest.mark.parametrize("name", WRITES)
def test_in_place_writes_into_leaves_that_are_views_are_refused_as_by_torch(name):
    """A leaf that requires grad is refused an in-place write even when it is itself a view (its `_base`
    needs no gradient), with torch's message; a view taken under no_grad gets torch's no_grad message first."""
    assert_matches_torch(WRITES[name])


def _untracked_write(view, write):
    """x * 1, a view of it, a write into `write(y, v)` that records nothing; then the view's node and
    the gradient through it."""
    def program(m):
        x = _x(m, 4, 4)
        y = x * 1
        v = view(y)
        write(m, y, v)
        (v * (m.arange(float(v.numel())).reshape(v.shape) + 1)).sum().backward()
        return y, v, x.grad
    return program


def _under_no_grad(target):
    def write(m, y, v):
        with m.no_grad():
            target(y, v).mul_(2)
    return write


UNTRACKED = {
    "slice_written_under_no_grad": (lambda y: y[:2], _under_no_grad(lambda y, v: v)),
    "transpose_written_under_no_grad": (lambda y: y.t(), _under_no_grad(lambda y, v: v)),
    "view_written_under_no_grad": (lambda y: y.view(16), _under_no_grad(lambda y, v: v)),
    "diagonal_written_under_no_grad": (lambda y: y.diagonal(), _under_no_grad(lambda y, v: v)),
    "tensor_split_piece_written_under_no_grad": (lambda y: y.tensor_split(2)[0], _under_no_grad(lambda y, v: v)),
    "base_written_under_no_grad": (lambda y: y[1:, 1:], _under_no_grad(lambda y, v: y)),
    "other_view_written_under_no_grad": (lambda y: y[1:], _under_no_grad(lambda y, v: y[:, 0])),
    "base_written_through_detach": (lambda y: y[1:], lambda m, y, v: y.detach().mul_(2)),
}


@pytest.mark.parametrize("name", UNTRACKED)
def test_views_of_memory_written_without_a_record_get_torchs_as_strided_node(name):
    """torch regenerates the node of each view whose memory changed by a write that recorded nothing:
    AsStridedBackward0 (of the root as it is), the same gradient."""
    assert_matches_torch(_untracked_write(*UNTRACKED[name]), exact=True)


def test_views_of_a_leaf_written_under_no_grad_get_torchs_as_strided_node():
    """An optimizer-like update of a leaf that has live views."""
    def program(m):
        leaf = m.ones(3, 4, requires_grad=True)
        row, transposed = leaf[0], leaf.t()
        with m.no_grad():
            leaf.add_(1)
        (row * 2).sum().backward()
        return row, transposed, leaf.grad
    assert_matches_torch(program, exact=True)


# --------------------------------------------------------------------------- ravel, adjoint, rot90, movedim of 0-d
SHAPED = {
    "ravel": (lambda m, x: x.ravel(), (2, 3)),
    "ravel_of_a_transpose": (lambda m, x: x.t().ravel(), (2, 3)),
    "ravel_of_a_slice": (lambda m, x: x[:, :2].ravel(), (2, 3)),
    "torch_ravel": (lambda m, x: m.ravel(x[0, 0]), (2, 3)),
    "adjoint": (lambda m, x: x.adjoint(), (2, 3)),
    "torch_adjoint_of_a_batch": (lambda m, x: m.adjoint(x), (2, 3, 1)),
    "adjoint_of_1d": (lambda m, x: x.adjoint(), (3,)),
    "rot90_once": (lambda m, x: x.rot90(), (2, 3)),
    "rot90_twice": (lambda m, x: x.rot90(2), (2, 3)),
    "rot90_three_times": (lambda m, x: m.rot90(x, 3), (2, 3)),
    "rot90_other_dims": (lambda m, x: x.rot90(1, (2, 0)), (1, 2, 3)),
    "rot90_negative": (lambda m, x: x.rot90(-1, (0, 1)), (2, 3)),
    "movedim_of_0d": (lambda m, x: x.reshape(()).movedim(0, -1), (1,)),
    "moveaxis_of_0d_tuples": (lambda m, x: x.reshape(()).moveaxis((0,), (0,)), (1,)),
}


@pytest.mark.parametrize("name", SHAPED)
def test_shape_functions_match_torch(name):
    """ravel is a view of self or of a contiguous copy; adjoint is mH as a method and function; rot90's result
    is laid out as torch's (an odd number of turns: transposed); movedim of a 0-d tensor is an alias."""
    op, shape = SHAPED[name]
    assert_matches_torch(_result(op, *shape), exact=True, contiguity=True)


def test_adjoint_of_0d_warns_as_torch():
    assert_matches_torch(lambda m: m.tensor(1.5).adjoint(), exact=True, warnings=True)


# --------------------------------------------------------------------------- view's argument errors
VIEW_ARGUMENTS = {
    "float_then_int": (2.0, 6),
    "bool_then_int": (True, 12),
    "dtype_then_int": ("float32", 2),
    "tuple_of_a_float": ((2.0, 6),),
    "list_of_a_float": ([2.0, 6],),
    "none": (None,),
    "str": ("a",),
    "int_then_float": (2, 6.0),  # (torch's other message: the size overload took it)
    "tuple_of_int_then_float": ((2, 6.0),),
}


@pytest.mark.parametrize("name", VIEW_ARGUMENTS)
def test_view_refuses_arguments_as_torchs_parser_does(name):
    """Arguments that neither `view(dtype)` nor `view(*size)` takes: torch's TypeError listing both."""
    args = VIEW_ARGUMENTS[name]

    def program(m):
        given = [getattr(m, a) if a == "float32" else a for a in args]
        return _x(m, 2, 6).view(*given)
    assert_matches_torch(program)


def test_view_of_a_tensor_argument_is_refused_as_by_torch():
    assert_matches_torch(lambda m: _x(m, 2, 6).view(m.tensor([2, 6])))


# --------------------------------------------------------------------------- t_, transpose_, squeeze_, unsqueeze_
RESHAPED_IN_PLACE = {
    "t_": lambda y: y.t_(),
    "transpose_": lambda y: y.transpose_(0, 1),
    "swapaxes_": lambda y: y.swapaxes_(0, 1),
    "swapdims_": lambda y: y.swapdims_(1, 0),
    "squeeze_": lambda y: y.squeeze_(),
    "squeeze_dim": lambda y: y.unsqueeze(0).squeeze_(0),
    "squeeze_dims": lambda y: y.unsqueeze(0).squeeze_((0,)),
    "unsqueeze_": lambda y: y.unsqueeze_(0),
    "unsqueeze_last": lambda y: y.unsqueeze_(-1),
    "t_of_3d": lambda y: y.unsqueeze(0).t_(),
    "transpose_out_of_range": lambda y: y.transpose_(0, 2),
}


def _leaf_and_product(m):
    x = m.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], requires_grad=True)
    return x, x * 1


def _of_a_product(op):
    """op on x * 1: itself returned, its new shape, strides, version and node; x's gradient through it."""
    def program(m):
        x, y = _leaf_and_product(m)
        out = op(y)
        (out * m.arange(float(out.numel())).reshape(out.shape)).sum().backward()
        return out is y, y, y.stride(), y._version, x.grad
    return program


def _of_a_plain_tensor(op):
    def program(m):
        z = m.arange(6.0).reshape(2, 3).clone()
        return op(z) is z, z, z.stride(), z._version
    return program


def _of_a_leaf(op):
    return lambda m: op(_leaf_and_product(m)[0])


def _with_a_view(op):
    """A view of y taken before: its values and node after (AsStridedBackward0), and the gradient through it."""
    def program(m):
        x, y = _leaf_and_product(m)
        row = y[0]
        op(y)
        (row * 2).sum().backward()
        return row, row._version, x.grad
    return program


def _after_saving(op):
    """y saved by sin, then reshaped in place: backward refuses, naming y's new node and shape."""
    def program(m):
        x, y = _leaf_and_product(m)
        s = y.sin()
        op(y)
        s.sum().backward()
    return program


def _of_a_view(op):
    def program(m):
        x, y = _leaf_and_product(m)
        y = y[1:]
        out = op(y)
        (out * 3).sum().backward()
        return y, y._base is not None, x.grad
    return program


def _under_no_grad_in_place(op):
    def program(m):
        _, y = _leaf_and_product(m)
        with m.no_grad():
            op(y)
        return y
    return program


@pytest.mark.parametrize("name", RESHAPED_IN_PLACE)
@pytest.mark.parametrize("setting", [_of_a_product, _of_a_plain_tensor, _of_a_leaf, _with_a_view, _after_saving,
                                     _of_a_view, _under_no_grad_in_place])
def test_reshaping_in_place_matches_torch(name, setting):
    """The tensor itself changes shape and strides (same memory, one more version); a graph tensor's node is
    the in-place op's (TBackward1, SqueezeBackward4...); a leaf is refused before the op's own checks."""
    assert_matches_torch(setting(RESHAPED_IN_PLACE[name]), exact=True, drop_hints=True)


# --------------------------------------------------------------------------- cat's and stack's layout
def _t(m):
    """A transposed (column-major) 3x2 matrix."""
    return _x(m, 2, 3).t()


def _nhwc(m):
    return _x(m, 2, 3, 2, 2).contiguous(memory_format=m.channels_last)


LAYOUT_OF_JOINS = {
    "cat_of_transposes": lambda m: m.cat([_t(m), _t(m)], 1),
    "cat_of_transposes_dim0": lambda m: m.cat([_t(m), _t(m)]),
    "cat_of_one_transpose": lambda m: m.cat([_t(m)]),
    "stack_of_transposes": lambda m: m.stack([_t(m), _t(m)]),
    "stack_of_permuted_3d": lambda m: m.stack([_x(m, 2, 3, 4).permute(0, 2, 1)] * 2, 1),
    "hstack_of_transposes": lambda m: m.hstack([_t(m), _t(m)]),
    "cat_of_channels_last": lambda m: m.cat([_nhwc(m), _nhwc(m)], 1),
    "cat_of_channels_last_and_contiguous": lambda m: m.cat([_nhwc(m), _nhwc(m).contiguous()], 3),
    "stack_of_channels_last": lambda m: m.stack([_nhwc(m), _nhwc(m)]),
    "stack_of_channels_last_and_contiguous": lambda m: m.stack([_nhwc(m), _nhwc(m).contiguous()]),
}


@pytest.mark.parametrize("name", LAYOUT_OF_JOINS)
def test_cat_and_stack_are_row_major_unless_every_input_is_channels_last(name):
    """torch's rule for the result's layout (NumPy's concatenate would follow a transposed input's); the
    gradient of a transposed input is laid out as the leaf."""
    def program(m):
        out = LAYOUT_OF_JOINS[name](m)
        return out, out.stride()
    assert_matches_torch(program, exact=True, contiguity=True)


@pytest.mark.parametrize("given", ["tensor", "int", "none", "generator"])
def test_cat_of_something_other_than_a_sequence_is_refused_as_by_torch(given):
    def program(m):
        value = {"tensor": m.ones(2), "int": 3, "none": None, "generator": (t for t in [m.ones(1)])}[given]
        return m.cat(value)
    assert_matches_torch(program)


# --------------------------------------------------------------------------- strides of empty tensors
EMPTIES = {
    "empty_slice": (lambda m, x: x[:, 2:2], (3, 4)),
    "empty_rows": (lambda m, x: x[3:], (3, 4)),
    "narrow_to_nothing": (lambda m, x: x.narrow(1, 4, 0), (3, 4)),
    "split_with_a_zero_size": (lambda m, x: x.split([0, 4, 0], 1)[2], (3, 4)),
    "expand_to_zero": (lambda m, x: x.expand(0, 4), (1, 4)),
    "unfold_windows_of_nothing": (lambda m, x: x.unfold(1, 0, 1), (2, 5)),
    "diagonal_past_the_corner": (lambda m, x: x.diagonal(5), (3, 4)),
    "new_empty_tensor": (lambda m, x: m.zeros(2, 0, 3), (1,)),
    "reshaped_empty": (lambda m, x: m.zeros(0, 6).reshape(3, 0, 2), (1,)),
    "view_dtype_of_an_empty_slice": (lambda m, x: x[:, :0].view(m.float64), (4, 4)),
}


@pytest.mark.parametrize("name", EMPTIES)
def test_empty_tensors_report_torchs_strides(name):
    """An empty view keeps the strides it was taken with; a new empty tensor has contiguous ones."""
    op, shape = EMPTIES[name]
    assert_matches_torch(_result(op, *shape, grad=False), exact=True, contiguity=True)


# --------------------------------------------------------------------------- storage_offset
OFFSETS = {
    "new": lambda m, x: x,
    "slice": lambda m, x: x[1:, 2:],
    "select": lambda m, x: x[2],
    "slice_of_a_transpose": lambda m, x: x.t()[1:],
    "narrow": lambda m, x: x.narrow(1, 1, 2),
    "diagonal": lambda m, x: x.diagonal(1),
    "unfold": lambda m, x: x[1:].unfold(1, 2, 1),
    "expand": lambda m, x: x[1:2].expand(3, 4),
    "split_piece": lambda m, x: x.split(2)[1],
    "unbind_piece": lambda m, x: x.unbind(1)[3],
    "tensor_split_piece": lambda m, x: x.tensor_split(3, 1)[2],
    "reshape_that_views": lambda m, x: x[1:].reshape(8),
    "reshape_that_copies": lambda m, x: x[:, 1:].flatten(),
    "view_dtype": lambda m, x: x[1:].view(m.float16),
    "detach": lambda m, x: x[1:].detach(),
    "clone": lambda m, x: x[1:].clone(),
    "sum": lambda m, x: x.sum(0),
    "cat": lambda m, x: m.cat([x[1:], x]),
    "stack_row": lambda m, x: m.stack([x, x])[1],
}


@pytest.mark.parametrize("name", OFFSETS)
def test_storage_offset_counts_elements_into_the_shared_memory_as_torch(name):
    def program(m):
        out = OFFSETS[name](m, m.arange(12.0).reshape(3, 4))
        return out.storage_offset(), out.shape
    assert_matches_torch(program)


def test_view_dtype_of_an_unfolded_view_checks_its_start_as_torch():
    """The start of a strided view (unfold, expand) is read through NumPy's as_strided wrapper."""
    assert_matches_torch(_result(lambda m, x: x.reshape(-1)[1:].unfold(0, 4, 2).view(m.float64), 16, grad=False))


# --------------------------------------------------------------------------- as_strided
AS_STRIDED = {
    "overlapping_windows": ((2, 2), (1, 2), None),
    "every_third_from_1": ((2,), (3,), 1),
    "from_a_later_start": ((3, 3), (1, 2), 2),
    "repeating_a_row": ((2, 2), (0, 1), None),
    "empty_with_a_big_stride": ((0, 5), (1, 100), None),
    "0d": ((), (), 5),
    "the_last_element": ((1,), (1,), 11),
    "empty_at_the_end": ((0,), (1,), 12),
    "lengths_differ": ((2, 2), (1,), None),
    "negative_stride": ((2, 2), (-1, 1), None),
    "negative_offset": ((2, 2), (1, 2), -1),
    "past_the_memory": ((2, 2), (4, 20), None),
    "past_the_memory_from_an_offset": ((2, 2), (4, 2), 9),
    "float_size": ((2.0,), (1,), None),
    "float_offset": ((2,), (1,), 1.0),
}


@pytest.mark.parametrize("name", AS_STRIDED)
@pytest.mark.parametrize("of", ["leaf", "slice_of_a_product"])
def test_as_strided_reads_the_shared_memory_as_torch(name, of):
    """Values, strides, storage offset, AsStridedBackward0; the gradient reaches the elements of x that the
    view reads (those outside x, before a slice's start, get none); or torch's error."""
    size, stride, offset = AS_STRIDED[name]

    def op(m, x):
        source = x if of == "leaf" else (x * 1)[1:]
        out = source.as_strided(size, stride) if offset is None else source.as_strided(size, stride, offset)
        return out
    assert_matches_torch(_result(op, 3, 4), exact=True, contiguity=True)


def test_torch_as_strided_with_keywords_and_a_write_through_it():
    def program(m):
        x = _x(m, 3, 4, grad=False)
        view = m.as_strided(x, size=(2,), stride=(5,), storage_offset=1)
        view.fill_(-1)
        return x, view.storage_offset()
    assert_matches_torch(program, exact=True)


def test_a_transposed_leafs_first_grad_is_transposed_too():
    """A leaf that is not row-major (a detached transpose) gets its .grad in its own layout, as torch's."""
    def program(m):
        leaf = m.arange(12.0).reshape(3, 4).t().detach().requires_grad_()
        (leaf * m.arange(12.0).reshape(4, 3)).sum().backward()
        return leaf.grad, leaf.grad.stride()
    assert_matches_torch(program, exact=True, contiguity=True)


@pytest.mark.parametrize("call", [
    lambda m, x: x.swapaxes(axis0=0, axis1=1),
    lambda m, x: x.swapdims(dim0=1, dim1=0),
    lambda m, x: m.swapaxes(x, axis0=0, axis1=1),
    lambda m, x: m.swapdims(x, dim0=0, dim1=1),
    lambda m, x: (x * 1).swapaxes_(axis0=0, axis1=1),
    lambda m, x: (x * 1).swapdims_(dim0=1, dim1=0),
])
def test_swapaxes_and_swapdims_take_their_keywords(call):
    assert_matches_torch(_result(call, 2, 3), exact=True, contiguity=True)


@pytest.mark.parametrize("call", [
    lambda m: m.atleast_1d(3),
    lambda m: m.atleast_2d(None),
    lambda m: m.atleast_3d("a"),
])
def test_atleast_of_a_non_tensor_is_refused_as_by_torch(call):
    assert_matches_torch(call)


# --------------------------------------------------------------------------- the *_copy functions
COPIES = {
    "expand_copy": lambda m, x: m.expand_copy(x, (2, 2, 3)),
    "view_copy": lambda m, x: m.view_copy(x, (3, 2)),
    "view_copy_of_a_transpose": lambda m, x: m.view_copy(x.t(), (6,)),
    "view_copy_of_a_dtype": lambda m, x: m.view_copy(x.detach(), m.int32),
    "t_copy": lambda m, x: m.t_copy(x),
    "transpose_copy": lambda m, x: m.transpose_copy(x, 0, 1),
    "permute_copy": lambda m, x: m.permute_copy(x, (1, 0)),
    "select_copy": lambda m, x: m.select_copy(x, 0, 1),
    "select_copy_out_of_range": lambda m, x: m.select_copy(x, 0, 5),
    "diagonal_copy": lambda m, x: m.diagonal_copy(x, offset=1, dim1=1, dim2=0),
    "squeeze_copy": lambda m, x: m.squeeze_copy(x.unsqueeze(0)),
    "squeeze_copy_dim": lambda m, x: m.squeeze_copy(x.unsqueeze(0), 0),
    "unsqueeze_copy": lambda m, x: m.unsqueeze_copy(x, 0),
    "narrow_copy": lambda m, x: m.narrow_copy(x, 1, 0, 2),
    "unfold_copy": lambda m, x: m.unfold_copy(x, 1, 2, 1),
    "as_strided_copy": lambda m, x: m.as_strided_copy(x, (2,), (2,), 1),
    "of_a_number": lambda m, x: m.t_copy(3),
}


@pytest.mark.parametrize("name", COPIES)
def test_copy_functions_give_a_new_row_major_tensor_as_torch(name):
    """The view op's values in memory of their own (row-major, not a view), the node named <view's>_copy
    (narrow_copy's NarrowCopyBackward0), the gradient through it."""
    assert_matches_torch(_result(COPIES[name], 2, 3), exact=True, contiguity=True)


SPLIT_COPIES = {
    "split_copy": lambda m, x: m.split_copy(x, 1),
    "split_copy_of_a_list": lambda m, x: m.split_copy(x, [1, 2], 1),
    "split_with_sizes_copy": lambda m, x: m.split_with_sizes_copy(x, [1, 2], 1),
    "unbind_copy": lambda m, x: m.unbind_copy(x, 1),
}


@pytest.mark.parametrize("name", SPLIT_COPIES)
def test_split_copies_are_new_tensors_that_may_be_changed_in_place(name):
    """Each piece copied out (SplitBackward0_copy...): not a view, so an in-place change of one is allowed."""
    def program(m):
        x = _x(m, 2, 3)
        pieces = SPLIT_COPIES[name](m, x * 1)
        laid = [_layout(x, p) for p in pieces]
        pieces[0].mul_(2)
        sum((p * (m.arange(float(p.numel())).reshape(p.shape) + 1)).sum() for p in pieces).backward()
        return laid, pieces[0].grad_fn.name(), x.grad
    assert_matches_torch(program, exact=True, contiguity=True)


@pytest.mark.parametrize("args", [(3, 0, 0), (-4, 0, 0), (-1, 0, 2), (0, 9, 2), (0, 0, -1), (0, -3, -1), (1, 6, 0),
                                  (1.0, 0, 1)])
def test_narrow_copy_checks_its_arguments_in_its_own_words(args):
    """torch's narrow_copy kernel refuses a dim past the last and a negative length otherwise than narrow."""
    assert_matches_torch(lambda m: m.narrow_copy(m.ones(10, 5, 20), *args).shape)
