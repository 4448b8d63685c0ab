"""Sizes, shapes and dims as arguments: a differential probe, each program run on both libraries.

torch reads a size ("tuple of ints": `zeros`, `reshape`, `expand`, `permute`...) and a dim ("int":
`flatten`, `unsqueeze`, `transpose`...) in its C++ argument parser. What this proves, against torch
at test time (same result, or the same exception type and message):
- a size may be varargs `f(2, 3)`, one tuple, list or Size `f((2, 3))`, or one int `f(2)`; its items
  are ints, NumPy ints or one-element integer tensors; a float, str, None, NumPy float, float tensor,
  nested tuple or bool as the first item is a TypeError naming the function, the argument and the
  offending type ("must be tuple of ints, but found element of type float at pos 0"), a later one is
  a TypeError "failed to unpack the object at pos 2" (a bool there counts as 0 or 1); `size=` takes
  a tuple only, and `full`, `new_full` and `randint` never take a bare int;
- the same holds for `new_zeros/new_ones/new_empty` (which take `size=` too), `reshape`, `view`,
  `expand`, `repeat`, `permute`, `tile`, `flip`, `unflatten`'s sizes, and the module constructors
  that make their parameters from sizes (`Linear`, `Embedding`, `EmbeddingBag`, `Conv1d/2d`,
  `LayerNorm`, `BatchNorm1d`): their errors are those of torch's `empty(...)` call;
- a dim is an int, a NumPy int or a 0-d integer tensor, never a bool, float, str or None: torch's
  TypeError for `flatten` (and `nn.Flatten`), `unsqueeze`, `transpose`, `size`, `select`, `softmax`,
  `cumsum`, `cumprod`, `argmax`, `unflatten`, `unbind`, `diagonal`, `gather`, `index_select`, `topk`,
  `median`, `chunk` (its `chunks` too), `cat`, `stack`, and "tuple of ints" for `amax`, `logsumexp`,
  `roll`, `flip` and `split`'s sizes (a one-element tensor is an int there, as torch's `Tensor.split`
  converts it); functions with several overloads (`sum`, `mean`, `squeeze`, `narrow`,
  `movedim`, `split`, `max`...) raise the same TypeError type (torch's message lists every overload)
  and take a one-element integer tensor as a dim as torch does;
- the function forms (`torch.reshape(x, shape)`, `torch.flatten(x, 1)`, `permute`, `unsqueeze`,
  `transpose`) count the input as position 1 and take a size as one tuple only, as torch's;
- negative sizes give torch's errors (`zeros`' own message, the result's size for `repeat`, the
  index for `reshape`), a dim beyond int64 torch's ValueError, a size beyond it a TypeError, and
  `squeeze` refuses a repeated dim;
- a bool tensor inside a tuple counts as 0 or 1 where torch's signature says `int[]` (`permute`, `flip`,
  `amax`, `logsumexp`, `roll`'s dims), and is its "isIntegral" RuntimeError where it says `SymInt[]` (sizes,
  `roll`'s shifts);
- `roll`'s shifts and dims, `amax/amin`'s and `logsumexp`'s dim and `flip`'s dims are read so in the method and
  the function form (`torch.flip(x, 1)` refused: `int[]` takes no bare int), positional (named with the position,
  the input counting as 1 in a function) or by keyword (named without); `torch.permute(x, None)` and
  `torch.reshape(x, None)` are the "tuple of ints" TypeError, not a missing argument;
- the same shared reader reads the tuples of dims of the reductions (`sum`, `mean`, `std`...), `squeeze` and
  `movedim`, `F.pad`'s pad, and a shape method's size given by keyword (`x.reshape(shape=...)`, `permute(dims=)`,
  `view(size=)`, `expand(size=)`, `repeat(repeats=)`, `tile(dims=)`, `flip(dims=)`) with torch's parser errors.
"""
from __future__ import annotations

import numpy as np
import pytest

from parity_tests.test_semantics import assert_matches_torch

# The values tried as a size or a dim, built in each library.
VALUES = {
    "int": lambda m: 2, "bool": lambda m: True, "float": lambda m: 2.0, "str": lambda m: "2", "None": lambda m: None,
    "np-int": lambda m: np.int64(2), "np-float": lambda m: np.float64(2.0), "np-bool": lambda m: np.bool_(True),
    "int-tensor-0d": lambda m: m.tensor(2), "int-tensor-1el": lambda m: m.tensor([2]),
    "float-tensor-0d": lambda m: m.tensor(2.0), "int-tensor-2el": lambda m: m.tensor([2, 3]),
    "bool-tensor": lambda m: m.tensor(True), "Size": lambda m: m.Size([2]), "tuple": lambda m: (2,),
    "list": lambda m: [2, 3],
    "beyond-int64": lambda m: 2 ** 63,
}
SIZE_VALUES = [v for v in VALUES if v != "beyond-int64"]


def _x(m):
    return m.arange(24.0).reshape(2, 3, 4)


def _shape(result):
    return tuple(result.shape)


# ------------------------------------------------------------------ sizes of the creation functions
SIZE_FORMS = {
    "f(v)": lambda f, v: f(v), "f(3, v)": lambda f, v: f(3, v), "f(v, 3)": lambda f, v: f(v, 3),
    "f((v, 3))": lambda f, v: f((v, 3)), "f([3, v])": lambda f, v: f([3, v]),
    "f(size=(3, v))": lambda f, v: f(size=(3, v)), "f(size=v)": lambda f, v: f(size=v),
}
CREATORS = {
    "zeros": lambda m: m.zeros, "empty": lambda m: m.empty, "rand": lambda m: m.rand,
    "new_ones": lambda m: _x(m).new_ones, "new_zeros": lambda m: _x(m).new_zeros,
}


@pytest.mark.parametrize("value", SIZE_VALUES)
@pytest.mark.parametrize("form", SIZE_FORMS)
@pytest.mark.parametrize("creator", CREATORS)
def test_creation_reads_the_size_as_torch(creator, form, value):
    """Every way of giving a size, with every kind of item: the shape made, or torch's error."""
    if creator == "rand" and form == "f(v, 3)" and value not in ("int", "np-int", "int-tensor-0d", "int-tensor-1el",
                                                                   "bool-tensor"):
        pytest.skip("rand's varargs with a bad first item: torch lists its overloads (same TypeError, tested below)")
    if form == "f(size=v)" and value == "None":
        pytest.skip("size=None reads as no size given (a Python default cannot tell the two apart)")
    assert_matches_torch(lambda m: _shape(SIZE_FORMS[form](CREATORS[creator](m), VALUES[value](m))))


@pytest.mark.parametrize("program", [
    lambda m: m.rand(2.0, 3), lambda m: _x(m).movedim((0,), 1), lambda m: _x(m).movedim(0, [1]),
    lambda m: m.reshape(_x(m), 2, 12), lambda m: m.permute(_x(m), 2, 0, 1),
], ids=["rand(2.0,3)", "movedim(tuple,int)", "movedim(int,list)", "torch.reshape-varargs", "torch.permute-varargs"])
def test_overloaded_functions_refuse_as_torch(program):
    """Functions with several overloads: torch's message lists them all, the TypeError is compared. (And the
    function forms of reshape and permute given varargs: Python counts their optional size in its message.)"""
    assert_matches_torch(lambda m: _shape(program(m)), same_message=False)


ONE_ARGUMENT_SIZES = {  # (full, new_full, randint take the size as one argument: never a bare int)
    "full": lambda m, size: m.full(size, 1.0), "new_full": lambda m, size: _x(m).new_full(size, 1),
    "randint(high, size)": lambda m, size: m.randint(5, size),
}


@pytest.mark.parametrize("value", SIZE_VALUES)
@pytest.mark.parametrize("form", ["v", "(v,)", "(3, v)"])
@pytest.mark.parametrize("creator", ONE_ARGUMENT_SIZES)
def test_sizes_given_as_one_argument(creator, form, value):
    def program(m):
        v = VALUES[value](m)
        return _shape(ONE_ARGUMENT_SIZES[creator](m, {"v": v, "(v,)": (v,), "(3, v)": (3, v)}[form]))
    assert_matches_torch(program)


@pytest.mark.parametrize("value", ["float", "int", "tuple", "None"])
def test_randint_low_high_size_with_a_bad_size_is_a_type_error(value):
    """randint(low, high, size): torch lists its four overloads, the same TypeError."""
    assert_matches_torch(lambda m: _shape(m.randint(0, 5, VALUES[value](m))), same_message=False)


@pytest.mark.parametrize("program", [
    lambda m: m.zeros(-1), lambda m: m.zeros(2, -1), lambda m: m.zeros(size=(-3,)), lambda m: m.ones(-1),
    lambda m: m.empty((2, -1)), lambda m: m.randn(-2), lambda m: m.full((-1,), 1),
    lambda m: _x(m).new_zeros(-1), lambda m: _x(m).new_full((2, -3), 1),
    lambda m: m.zeros(2, size=(3,)), lambda m: m.zeros(), lambda m: m.zeros(()), lambda m: m.zeros([]),
    lambda m: m.zeros(m.Size([2, 3])), lambda m: m.zeros(3, np.array(2)), lambda m: m.zeros(np.array([2])),
    lambda m: m.zeros((2, 3), 3), lambda m: m.zeros(m.tensor(2, dtype=m.uint8), 3),
], ids=["zeros(-1)", "zeros(2,-1)", "zeros(size=(-3,))", "ones(-1)", "empty((2,-1))", "randn(-2)", "full((-1,))",
        "new_zeros(-1)", "new_full((2,-3))", "zeros(2,size=)", "zeros()", "zeros(())", "zeros([])", "zeros(Size)",
        "zeros(3,np-0d)", "zeros(np-1d)", "zeros((2,3),3)", "zeros(uint8-tensor,3)"])
def test_creation_edges(program):
    assert_matches_torch(lambda m: _shape(program(m)))


@pytest.mark.parametrize("program", [
    lambda m: m.zeros(2 ** 63), lambda m: m.zeros(3, 2 ** 63), lambda m: _x(m).reshape(2 ** 63),
    lambda m: _x(m).repeat(2 ** 63, 1, 1), lambda m: _x(m).permute(2 ** 63, 0, 1),
], ids=["zeros", "zeros-second", "reshape", "repeat", "permute"])
def test_a_size_beyond_int64_is_a_type_error(program):
    """(torch's message goes on with a C++ stack trace: only the type is compared)"""
    assert_matches_torch(lambda m: _shape(program(m)), same_message=False)


# ------------------------------------------------------------------ sizes of the shape methods
SHAPE_METHODS = {
    "reshape(v, -1)": lambda x, v: x.reshape(v, -1), "reshape(-1, v)": lambda x, v: x.reshape(-1, v),
    "reshape((v, -1))": lambda x, v: x.reshape((v, -1)), "reshape(v)": lambda x, v: x.reshape(v),
    "view(-1, v)": lambda x, v: x.view(-1, v),
    "expand((v, 2, 3, 4))": lambda x, v: x.expand((v, 2, 3, 4)),
    "expand(2, v, 3, 4)": lambda x, v: x.expand(2, v, 3, 4),
    "expand(v)": lambda x, v: x.expand(v),
    "repeat(v, 1, 1)": lambda x, v: x.repeat(v, 1, 1), "repeat(1, v, 1)": lambda x, v: x.repeat(1, v, 1),
    "repeat((v, 1, 1))": lambda x, v: x.repeat((v, 1, 1)), "repeat(v)": lambda x, v: x.repeat(v),
    "permute(v, 0, 1)": lambda x, v: x.permute(v, 0, 1), "permute(0, v, 1)": lambda x, v: x.permute(0, v, 1),
    "permute((v, 0, 1))": lambda x, v: x.permute((v, 0, 1)), "permute(v)": lambda x, v: x.permute(v),
    "tile((v, 1))": lambda x, v: x.tile((v, 1)), "flip((v,))": lambda x, v: x.flip((v,)),
    "flip(0, v)": lambda x, v: x.flip(0, v),
    "unflatten(2, (v, 2))": lambda x, v: x.unflatten(2, (v, 2)), "unflatten(2, v)": lambda x, v: x.unflatten(2, v),
}


@pytest.mark.parametrize("value", SIZE_VALUES)
@pytest.mark.parametrize("method", SHAPE_METHODS)
def test_shape_methods_read_the_size_as_torch(method, value):
    if method == "reshape(v)" and value == "tuple":
        pytest.skip("(2,) is a valid shape only for 2 elements: nothing about parsing")
    if method == "unflatten(2, v)" and value in ("None", "int-tensor-2el"):
        pytest.skip("torch fails there inside unflatten's Python wrapper, on its own terms")
    assert_matches_torch(lambda m: _shape(SHAPE_METHODS[method](_x(m), VALUES[value](m))))


@pytest.mark.parametrize("value", ["float", "str", "None", "np-float", "float-tensor-0d", "tuple"])
@pytest.mark.parametrize("form", ["view(v, -1)", "view((v, -1))", "view(v)"])
def test_view_with_a_bad_first_size_is_a_type_error(form, value):
    """view has a dtype overload: torch lists both, the same TypeError."""
    def program(m):
        x, v = _x(m), VALUES[value](m)
        return _shape({"view(v, -1)": lambda: x.view(v, -1), "view((v, -1))": lambda: x.view((v, -1)),
                       "view(v)": lambda: x.view(v)}[form]())
    assert_matches_torch(program, same_message=False)


@pytest.mark.parametrize("program", [
    lambda m: _x(m).reshape(-2, -1), lambda m: _x(m).reshape(-1, -2), lambda m: _x(m).reshape(-2),
    lambda m: _x(m).view(4, -3), lambda m: _x(m).reshape(-1, -1, -2), lambda m: _x(m).reshape(-1, -1),
    lambda m: _x(m).repeat(-2, 1, 1), lambda m: _x(m).repeat(1, -1, 1), lambda m: _x(m).repeat(-3),
    lambda m: _x(m).tile((-1, 1)), lambda m: m.ones(3).repeat(2, -1),
    lambda m: _x(m)[:, :1].squeeze((-2, 1)), lambda m: _x(m).squeeze(np.int64(0)),
    lambda m: _x(m)[:, :1].squeeze(m.tensor(1)), lambda m: _x(m).amax(None), lambda m: _x(m).amin(dim=None),
    lambda m: _x(m).logsumexp(None), lambda m: _x(m).amax((1, -1)), lambda m: _x(m).roll((1, 1), (0, 2)),
    lambda m: _x(m).permute([2, 3]), lambda m: _x(m).permute(0, 1, 1), lambda m: _x(m).flip(),
    lambda m: _x(m).flip(dims=(0, 2)), lambda m: _x(m).flip(dims=(0.0,)), lambda m: _x(m).flip(dims=0),
    lambda m: m.cat([], 1.0), lambda m: m.cat([], 1), lambda m: m.ones(0, 3).reshape(0, -1),
    lambda m: m.ones(0, 3).reshape(-1, 0), lambda m: m.ones(3).reshape(0, -1), lambda m: m.ones(1, 0).chunk(2.0),
], ids=["reshape(-2,-1)", "reshape(-1,-2)", "reshape(-2)", "view(4,-3)", "reshape(-1,-1,-2)", "reshape(-1,-1)",
        "repeat(-2,1,1)", "repeat(1,-1,1)", "repeat(-3)", "tile((-1,1))", "repeat-new-dim", "squeeze-repeated-dim",
        "squeeze(np-int)", "squeeze(int-tensor)", "amax(None)", "amin(dim=None)", "logsumexp(None)", "amax((1,-1))",
        "roll-two-dims", "permute-too-few", "permute-repeated", "flip()", "flip(dims=)",
        "flip(dims=float)", "flip(dims=int)", "cat([],float)", "cat([])", "reshape-ambiguous", "reshape-ambiguous-2",
        "reshape-0-of-3", "chunk(float)-of-empty"])
def test_shape_edges(program):
    assert_matches_torch(lambda m: _shape(program(m)))


@pytest.mark.parametrize("program", [
    lambda m, b: _x(m).amax((0, b)), lambda m, b: _x(m).amin((b,)), lambda m, b: _x(m).logsumexp((0, b)),
    lambda m, b: _x(m).roll((1,), (b,)), lambda m, b: _x(m).flip(dims=(b,)), lambda m, b: m.permute(_x(m), (b, 0, 2)),
    lambda m, b: m.reshape(_x(m), (b, -1)), lambda m, b: _x(m).split([3, b], 2), lambda m, b: m.full((2, b), 1.0),
    lambda m, b: _x(m).new_full((b,), 1), lambda m, b: m.zeros(size=(2, b)), lambda m, b: m.randint(5, (2, b)),
], ids=["amax", "amin", "logsumexp", "roll-dims", "flip(dims=)", "torch.permute", "torch.reshape", "split",
        "full", "new_full", "zeros(size=)", "randint"])
def test_a_bool_tensor_in_a_tuple_of_ints(program):
    """torch's two readers of a tuple of ints differ here: `int[]` (dims) takes it as 0 or 1, `SymInt[]` (sizes)
    refuses it."""
    assert_matches_torch(lambda m: _result(program(m, m.tensor(True))))


# ------------------------------------------------------------------ 'tuple of ints' arguments: method and function
INT_LIST_FORMS = {  # torch names a positional argument with its position (the input is 1 in a function), a keyword one
    # without; roll's shifts is a SymInt[1], its dims and amax's dim int[1] (one int allowed), flip's dims int[]
    "x.roll(v)": lambda m, x, v: x.roll(v), "x.roll(v, 0)": lambda m, x, v: x.roll(v, 0),
    "x.roll((v,), (0,))": lambda m, x, v: x.roll((v,), (0,)),
    "x.roll((1, v), (0, 1))": lambda m, x, v: x.roll((1, v), (0, 1)),
    "x.roll(shifts=v, dims=0)": lambda m, x, v: x.roll(shifts=v, dims=0),
    "x.roll(1, dims=v)": lambda m, x, v: x.roll(1, dims=v), "torch.roll(x, v, 0)": lambda m, x, v: m.roll(x, v, 0),
    "torch.roll(x, shifts=(v,))": lambda m, x, v: m.roll(x, shifts=(v,)),
    "torch.roll(x, 1, v)": lambda m, x, v: m.roll(x, 1, v),
    "torch.roll(x, 1, dims=v)": lambda m, x, v: m.roll(x, 1, dims=v),
    "arange(5.0).roll(v)": lambda m, x, v: m.arange(5.0).roll(v),
    "torch.amax(x, v)": lambda m, x, v: m.amax(x, v), "torch.amin(x, dim=v)": lambda m, x, v: m.amin(x, dim=v),
    "torch.amax(x, (0, v))": lambda m, x, v: m.amax(x, (0, v)), "x.amax(dim=v)": lambda m, x, v: x.amax(dim=v),
    "x.amin(dim=(v,))": lambda m, x, v: x.amin(dim=(v,)),
    "torch.logsumexp(x, v)": lambda m, x, v: m.logsumexp(x, v),
    "torch.logsumexp(x, (v,))": lambda m, x, v: m.logsumexp(x, (v,)),
    "x.logsumexp(dim=v)": lambda m, x, v: x.logsumexp(dim=v),
    "torch.flip(x, v)": lambda m, x, v: m.flip(x, v), "torch.flip(x, (0, v))": lambda m, x, v: m.flip(x, (0, v)),
    "torch.flip(x, dims=(v,))": lambda m, x, v: m.flip(x, dims=(v,)), "x.flip(dims=v)": lambda m, x, v: x.flip(dims=v),
}
INT_LIST_VALUES = ["int", "bool", "float", "str", "None", "np-int", "np-bool", "int-tensor-0d", "int-tensor-1el",
                   "float-tensor-0d", "int-tensor-2el", "bool-tensor", "list"]


@pytest.mark.parametrize("value", INT_LIST_VALUES)
@pytest.mark.parametrize("form", INT_LIST_FORMS)
def test_tuple_of_ints_arguments_read_as_torch(form, value):
    assert_matches_torch(lambda m: _result(INT_LIST_FORMS[form](m, _x(m), VALUES[value](m))))


@pytest.mark.parametrize("form", ["x.roll(v)", "x.roll(v, 0)", "x.roll((v,), (0,))", "torch.roll(x, 1, v)",
                                  "torch.amax(x, (0, v))", "torch.flip(x, (0, v))"])
def test_tuple_of_ints_arguments_beyond_int64(form):
    """(in a tuple, torch's message goes on with a C++ stack trace: only the type is compared)"""
    assert_matches_torch(lambda m: _result(INT_LIST_FORMS[form](m, _x(m), 2 ** 63)), same_message=False)


@pytest.mark.parametrize("program", [
    lambda m: _x(m).roll(()), lambda m: _x(m).roll((), 0), lambda m: _x(m).roll(1, ()),
    lambda m: _x(m).roll((1,), ()), lambda m: _x(m).roll((1, 2), ()), lambda m: _x(m).roll((1, 2)),
    lambda m: _x(m).roll((1, 2), (0, 1)), lambda m: _x(m).roll((1, 2.0), (0, 1.5)),
    lambda m: _x(m).roll((1.0, 2), (0, 1.5)), lambda m: _x(m).roll((1, 2.0), 0.5),
    lambda m: _x(m).roll(dims=(0, 1.5), shifts=(1, 2.0)), lambda m: m.roll(_x(m), 1.0, dims=0),
    lambda m: m.roll(_x(m), (1, 2.0), (0, m.tensor(True))), lambda m: m.ones(0, 3).roll(1.0),
    lambda m: m.ones(0, 3).roll((1, 2), 0), lambda m: m.tensor(2.0).roll(m.tensor([1])),
    lambda m: m.permute(_x(m), None), lambda m: m.reshape(_x(m), None), lambda m: m.flip(_x(m), dims=1),
    lambda m: m.flip(_x(m)), lambda m: m.amax(_x(m), None), lambda m: m.amin(_x(m), dim=None),
    lambda m: m.logsumexp(_x(m), None), lambda m: m.amax(1.0, 0),
], ids=["roll(())", "roll((),0)", "roll(1,())", "roll((1,),())", "roll((1,2),())", "roll((1,2))", "roll-two-dims",
        "roll-both-bad", "roll-shifts-bad-first", "roll-dims-not-a-tuple", "roll-keywords-both-bad",
        "torch.roll-float-shift", "torch.roll-bad-shift-bool-tensor-dim", "empty-roll(float)", "empty-roll-misaligned",
        "0d-roll(1-el-tensor)", "torch.permute(x,None)", "torch.reshape(x,None)", "torch.flip(dims=int)",
        "torch.flip(x)", "torch.amax(x,None)", "torch.amin(dim=None)", "torch.logsumexp(x,None)", "torch.amax(float)"])
def test_tuple_of_ints_edges(program):
    assert_matches_torch(lambda m: _result(program(m)))


REDUCTION_DIM_TUPLES = {  # torch's `int[1]? dim` of functions with several overloads: a tuple opening with an int
    # picks this one, its later items are read by the shared reader (a bool counts as 0 or 1, a float is "failed to
    # unpack the object at pos 2", naming the function)
    "sum((0, v))": lambda m, x, v: x.sum((0, v)), "sum(dim=[0, v])": lambda m, x, v: x.sum(dim=[0, v]),
    "torch.sum(x, (0, v))": lambda m, x, v: m.sum(x, (0, v)), "mean((0, v))": lambda m, x, v: x.mean((0, v)),
    "nansum((0, v))": lambda m, x, v: x.nansum((0, v)), "std((0, v))": lambda m, x, v: x.std((0, v)),
    "var(dim=(0, v))": lambda m, x, v: x.var(dim=(0, v)),
    "count_nonzero((0, v))": lambda m, x, v: x.count_nonzero((0, v)), "all((0, v))": lambda m, x, v: x.all((0, v)),
    "any((0, v))": lambda m, x, v: x.any((0, v)), "norm(dim=(0, v))": lambda m, x, v: x.norm(dim=(0, v)),
}


@pytest.mark.parametrize("value", INT_LIST_VALUES + ["beyond-int64"])
@pytest.mark.parametrize("form", REDUCTION_DIM_TUPLES)
def test_reduction_dim_tuples_read_as_torch(form, value):
    assert_matches_torch(lambda m: _result(REDUCTION_DIM_TUPLES[form](m, _x(m), VALUES[value](m))),
                         same_message=value != "beyond-int64")  # (torch's message goes on with a C++ stack trace)


SHAPE_DIM_TUPLES = {  # squeeze's `int[] dim` and movedim's `int[] source, int[] destination` (their other
    # overloads take ints): read alike, movedim's destination before its source, as torch's C++
    "squeeze((0, v))": lambda m, x, v: x[:1].squeeze((0, v)),
    "squeeze(dim=[1, v])": lambda m, x, v: x.squeeze(dim=[1, v]),
    "torch.squeeze(x, (0, v))": lambda m, x, v: m.squeeze(x, (0, v)),
    "movedim((0, v), (2, 0))": lambda m, x, v: x.movedim((0, v), (2, 0)),
    "movedim((0, 1), (2, v))": lambda m, x, v: x.movedim((0, 1), (2, v)),
    "movedim((0, v), (2, v))": lambda m, x, v: x.movedim((0, v), (2, v)),
    "torch.movedim(x, (0, v), (1, 0))": lambda m, x, v: m.movedim(x, (0, v), (1, 0)),
    "movedim(source=(0, v), destination=(1, 0))": lambda m, x, v: x.movedim(source=(0, v), destination=(1, 0)),
}


@pytest.mark.parametrize("value", INT_LIST_VALUES + ["beyond-int64"])
@pytest.mark.parametrize("form", SHAPE_DIM_TUPLES)
def test_shape_dim_tuples_read_as_torch(form, value):
    assert_matches_torch(lambda m: _result(SHAPE_DIM_TUPLES[form](m, _x(m), VALUES[value](m))),
                         same_message=value != "beyond-int64")  # (torch's message goes on with a C++ stack trace)


PAD_FORMS = {  # F.pad's `SymInt[] pad` (torch's Python wrapper passes every argument by position)
    "pad(x, v)": lambda m, x, v: m.nn.functional.pad(x, v),
    "pad(x, (v, 1))": lambda m, x, v: m.nn.functional.pad(x, (v, 1)),
    "pad(x, pad=[1, v])": lambda m, x, v: m.nn.functional.pad(x, pad=[1, v]),
    "pad(x, (1, v), 'reflect')": lambda m, x, v: m.nn.functional.pad(x, (1, v), "reflect"),
    "pad(x, (v, 1), 'replicate')": lambda m, x, v: m.nn.functional.pad(x, (v, 1), "replicate"),
    "pad(x, (1, 1, 0, v))": lambda m, x, v: m.nn.functional.pad(x, (1, 1, 0, v)),
}


@pytest.mark.parametrize("value", INT_LIST_VALUES + ["beyond-int64"])
@pytest.mark.parametrize("form", PAD_FORMS)
def test_pad_reads_its_sizes_as_torch(form, value):
    assert_matches_torch(lambda m: _result(PAD_FORMS[form](m, _x(m), VALUES[value](m))),
                         same_message=value != "beyond-int64")  # (torch's message goes on with a C++ stack trace)


@pytest.mark.parametrize("program", [
    lambda m: m.nn.functional.pad(_x(m), (1, 1), mode=1), lambda m: m.nn.functional.pad(_x(m), (1, 1.0), mode=1),
    lambda m: m.nn.functional.pad(_x(m), (1, 1), value="a"), lambda m: m.nn.functional.pad(1.0, (1, 1)),
    lambda m: m.nn.functional.pad(_x(m), (1, 1, 1.0)), lambda m: m.nn.functional.pad(_x(m), (1, 1), value=True),
    lambda m: m.nn.functional.pad(_x(m), [-1, np.int64(2), m.tensor(1), m.tensor([0])]),
    lambda m: m.nn.functional.pad(_x(m), (1, np.int64(2)), "circular"),
], ids=["mode=int", "bad-pad-and-mode", "value=str", "float-input", "odd-length-bad-item", "value=True",
        "mixed-items", "circular-np-int"])
def test_pad_edges(program):
    assert_matches_torch(lambda m: _result(program(m)))


KEYWORD_SIZES = {  # a shape method's size by keyword (a tuple only, named without a position), and its functions
    "reshape(shape=v)": lambda m, x, v: x.reshape(shape=v), "view(size=v)": lambda m, x, v: x.view(size=v),
    "expand(size=v)": lambda m, x, v: x[:, :1].expand(size=v),
    "repeat(repeats=v)": lambda m, x, v: x.repeat(repeats=v),
    "tile(dims=v)": lambda m, x, v: x.tile(dims=v), "permute(dims=v)": lambda m, x, v: x.permute(dims=v),
    "flip(dims=v)": lambda m, x, v: x.flip(dims=v),
    "torch.reshape(x, shape=v)": lambda m, x, v: m.reshape(x, shape=v),
    "torch.permute(x, dims=v)": lambda m, x, v: m.permute(x, dims=v), "torch.tile(x, v)": lambda m, x, v: m.tile(x, v),
    "torch.tile(x, dims=v)": lambda m, x, v: m.tile(x, dims=v),
}
KEYWORD_SIZE_VALUES = {
    "fits": lambda m: {"reshape": (4, 6), "view": (-1,), "expand": (2, 3, 4), "repeat": (1, 2, 1), "tile": (2, 1),
                       "permute": (2, 0, 1), "flip": (0, 2)},
    "int": lambda m: 2, "None": lambda m: None, "float-first": lambda m: (1.0, 2), "float-later": lambda m: (2, 1.0),
    "bool-tensor-later": lambda m: (2, m.tensor(True)), "Size": lambda m: m.Size([3, 2, 4]),
}


@pytest.mark.parametrize("value", KEYWORD_SIZE_VALUES)
@pytest.mark.parametrize("form", KEYWORD_SIZES)
def test_sizes_given_by_keyword(form, value):
    def program(m):
        v = KEYWORD_SIZE_VALUES[value](m)
        if value == "fits":
            v = v[form.split("(")[0].replace("torch.", "")]
        return _result(KEYWORD_SIZES[form](m, _x(m), v))
    assert_matches_torch(program, same_message=not form.startswith("view"))  # (view's dtype overload: torch lists both)


@pytest.mark.parametrize("program", [
    lambda m: _x(m).reshape(2, shape=(12,)), lambda m: _x(m).reshape(shape=(24,), foo=1),
    lambda m: _x(m).reshape(foo=1), lambda m: _x(m).permute(0, 1, 2, dims=(0, 1, 2)), lambda m: _x(m).flip(foo=1),
    lambda m: _x(m).expand(size=None), lambda m: _x(m).flip(0, dims=(1,)), lambda m: m.reshape(_x(m), (24,), foo=1),
], ids=["reshape-twice", "reshape-unexpected", "reshape-only-unexpected", "permute-twice", "flip-only-unexpected",
        "expand(size=None)", "flip-twice", "torch.reshape-unexpected"])
def test_sizes_given_by_keyword_edges(program):
    assert_matches_torch(lambda m: _result(program(m)))


# ------------------------------------------------------------------ dims
DIM_METHODS = {  # one signature: torch's message names the function, the argument and its position
    "flatten(v)": lambda m, x, v: x.flatten(v), "flatten(0, v)": lambda m, x, v: x.flatten(0, v),
    "nn.Flatten(v)": lambda m, x, v: m.nn.Flatten(v)(x), "nn.Flatten(0, v)": lambda m, x, v: m.nn.Flatten(0, v)(x),
    "unsqueeze(v)": lambda m, x, v: x.unsqueeze(v), "transpose(v, 0)": lambda m, x, v: x.transpose(v, 0),
    "transpose(0, v)": lambda m, x, v: x.transpose(0, v), "size(v)": lambda m, x, v: x.size(v),
    "select(v, 0)": lambda m, x, v: x.select(v, 0), "softmax(v)": lambda m, x, v: x.softmax(v),
    "log_softmax(v)": lambda m, x, v: x.log_softmax(v), "nn.Softmax(v)": lambda m, x, v: m.nn.Softmax(v)(x),
    "cumsum(v)": lambda m, x, v: x.cumsum(v), "argmax(v)": lambda m, x, v: x.argmax(v),
    "unflatten(v, (1, 3))": lambda m, x, v: x.unflatten(v, (1, 3)), "chunk(2, v)": lambda m, x, v: x.chunk(2, v),
    "cat(dim=v)": lambda m, x, v: m.cat([x, x], v), "stack(dim=v)": lambda m, x, v: m.stack([x, x], v),
    "amax(v)": lambda m, x, v: x.amax(v), "logsumexp(v)": lambda m, x, v: x.logsumexp(v),
    "roll(1, v)": lambda m, x, v: x.roll(1, v), "unbind(v)": lambda m, x, v: x.unbind(v),
    "diagonal(0, 0, v)": lambda m, x, v: x.diagonal(0, 0, v), "diagonal(0, v, 0)": lambda m, x, v: x.diagonal(0, v, 0),
    "gather(v, index)": lambda m, x, v: x.gather(v, m.zeros(2, 3, 4, dtype=m.int64)),
    "index_select(v, index)": lambda m, x, v: x.index_select(v, m.tensor([0])),
    "cumprod(v)": lambda m, x, v: x.cumprod(v), "topk(1, v)": lambda m, x, v: x.topk(1, v),
    "median(v)": lambda m, x, v: x.median(v), "chunk(v)": lambda m, x, v: x.chunk(v),
    "split([1, v], 2)": lambda m, x, v: x.split([1, v], 2),
}
OVERLOADED_DIM_METHODS = {  # several signatures: torch lists them all, the type is compared
    "sum(v)": lambda m, x, v: x.sum(v), "mean(v)": lambda m, x, v: x.mean(v),
    "squeeze(v)": lambda m, x, v: x.squeeze(v),
    "sum((v, 1))": lambda m, x, v: x.sum((v, 1)), "narrow(v, 0, 1)": lambda m, x, v: x.narrow(v, 0, 1),
    "narrow(2, 0, v)": lambda m, x, v: x.narrow(2, 0, v), "movedim(v, 0)": lambda m, x, v: x.movedim(v, 0),
    "movedim((v, 0), (0, 1))": lambda m, x, v: x.movedim((v, 0), (0, 1)), "split(1, v)": lambda m, x, v: x.split(1, v),
    "split(v)": lambda m, x, v: x.split(v),
    "std(dim=v)": lambda m, x, v: x.std(dim=v) if not isinstance(v, bool) else x.std(dim=(v,)),
}
DIM_VALUES = ["int", "bool", "float", "str", "np-int", "np-float", "np-bool", "int-tensor-0d", "int-tensor-1el",
              "float-tensor-0d", "Size"]


def _result(value):
    return tuple(_shape(v) for v in value) if isinstance(value, tuple) else value if isinstance(value, int) \
        else _shape(value)


@pytest.mark.parametrize("value", DIM_VALUES)
@pytest.mark.parametrize("method", DIM_METHODS)
def test_dims_read_as_torch(method, value):
    assert_matches_torch(lambda m: _result(DIM_METHODS[method](m, _x(m), VALUES[value](m))))


@pytest.mark.parametrize("value", DIM_VALUES)
@pytest.mark.parametrize("method", OVERLOADED_DIM_METHODS)
def test_dims_of_overloaded_functions_read_as_torch(method, value):
    if value == "int-tensor-1el" and method.split("(")[0] in ("narrow", "movedim", "split"):
        pytest.skip("a one-element tensor is a dim in these too (torch takes it only where a tuple of ints is allowed)")
    assert_matches_torch(lambda m: _result(OVERLOADED_DIM_METHODS[method](m, _x(m), VALUES[value](m))),
                         same_message=False)


@pytest.mark.parametrize("method", ["flatten(v)", "transpose(0, v)", "size(v)", "select(v, 0)", "softmax(v)",
                                    "chunk(2, v)"])
def test_a_dim_beyond_int64_is_a_value_error(method):
    assert_matches_torch(lambda m: _result(DIM_METHODS[method](m, _x(m), 2 ** 63)))


# ------------------------------------------------------------------ function forms: input is position 1
FUNCTIONS = {
    "reshape(x, (v, -1))": lambda m, x, v: m.reshape(x, (v, -1)),
    "reshape(x, (-1, v))": lambda m, x, v: m.reshape(x, (-1, v)),
    "reshape(x, v)": lambda m, x, v: m.reshape(x, v), "permute(x, (v, 0, 1))": lambda m, x, v: m.permute(x, (v, 0, 1)),
    "permute(x, v)": lambda m, x, v: m.permute(x, v), "flatten(x, v)": lambda m, x, v: m.flatten(x, v),
    "flatten(x, 0, v)": lambda m, x, v: m.flatten(x, 0, v), "unsqueeze(x, v)": lambda m, x, v: m.unsqueeze(x, v),
    "transpose(x, v, 0)": lambda m, x, v: m.transpose(x, v, 0),
    "transpose(x, 0, v)": lambda m, x, v: m.transpose(x, 0, v),
}


@pytest.mark.parametrize("value", DIM_VALUES)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_function_forms_count_the_input_as_position_one(function, value):
    assert_matches_torch(lambda m: _shape(FUNCTIONS[function](m, _x(m), VALUES[value](m))))


@pytest.mark.parametrize("program", [
    lambda m: m.reshape(_x(m)), lambda m: m.reshape(_x(m), 24), lambda m: m.reshape(_x(m), [24]),
    lambda m: m.reshape(_x(m), m.Size([24])), lambda m: m.reshape(_x(m), shape=(24,)), lambda m: m.reshape(2.0, (1,)),
    lambda m: m.permute(_x(m)), lambda m: m.permute(_x(m), dims=[2, 0, 1]), lambda m: m.flatten([1.0]),
    lambda m: m.flatten(_x(m), start_dim=1), lambda m: m.unsqueeze(_x(m), dim=1),
    lambda m: m.transpose(_x(m), dim0=0, dim1=2),
], ids=["reshape-no-shape", "reshape-int", "reshape-list", "reshape-Size", "reshape-keyword", "reshape-float-input",
        "permute-no-dims", "permute-keyword", "flatten-list-input", "flatten-keyword", "unsqueeze-keyword",
        "transpose-keywords"])
def test_function_forms_edges(program):
    assert_matches_torch(lambda m: _shape(program(m)))


# ------------------------------------------------------------------ module constructors
MODULES = {
    "Linear(v, 3)": lambda m, v: m.nn.Linear(v, 3), "Linear(3, v)": lambda m, v: m.nn.Linear(3, v),
    "Embedding(v, 3)": lambda m, v: m.nn.Embedding(v, 3), "Embedding(3, v)": lambda m, v: m.nn.Embedding(3, v),
    "EmbeddingBag(v, 3)": lambda m, v: m.nn.EmbeddingBag(v, 3),
    "EmbeddingBag(3, v)": lambda m, v: m.nn.EmbeddingBag(3, v),
    "Conv1d(v, 2, 3)": lambda m, v: m.nn.Conv1d(v, 2, 3), "Conv2d(v, 2, 3)": lambda m, v: m.nn.Conv2d(v, 2, 3),
    "Conv2d(2, v, 3)": lambda m, v: m.nn.Conv2d(2, v, 3), "Conv2d(2, 2, v)": lambda m, v: m.nn.Conv2d(2, 2, v),
    "LayerNorm(v)": lambda m, v: m.nn.LayerNorm(v), "LayerNorm((3, v))": lambda m, v: m.nn.LayerNorm((3, v)),
    "LayerNorm((v, 3))": lambda m, v: m.nn.LayerNorm((v, 3)), "BatchNorm1d(v)": lambda m, v: m.nn.BatchNorm1d(v),
}
MODULE_VALUES = ["int", "bool", "float", "np-int", "np-float", "int-tensor-0d", "float-tensor-0d", "Size"]


@pytest.mark.parametrize("value", MODULE_VALUES + ["neg"])
@pytest.mark.parametrize("module", MODULES)
def test_module_sizes_read_as_torch(module, value):
    """The module's parameters are made by torch's `empty(...)`: the same shapes, or its error."""
    if module.startswith("Conv2d(2, 2") and value in ("int-tensor-0d", "float-tensor-0d", "Size"):
        pytest.skip("a tensor or Size as kernel_size goes through _pair: not a size question")

    def program(m):
        v = -2 if value == "neg" else VALUES[value](m)
        if module.startswith("Conv") and value in ("str", "Size"):
            pytest.skip("(torch's `in_channels % groups` fails first, on the str or tuple itself)")
        return _shape(MODULES[module](m, v).weight)
    assert_matches_torch(program)


@pytest.mark.parametrize("shape", [(2.0,), (3, "2")], ids=["float", "str"])
def test_layer_norm_without_parameters_makes_no_size(shape):
    """elementwise_affine=False: torch calls no `empty`, so the shape is not read (until forward)."""
    assert_matches_torch(lambda m: m.nn.LayerNorm(shape, elementwise_affine=False).normalized_shape)


def test_layer_norm_parameters_start_at_one_and_zero():
    assert_matches_torch(lambda m: tuple(p.detach() for p in m.nn.LayerNorm((2, 3)).parameters()))


@pytest.mark.parametrize("sizes", [(3, 1), [1, 3], (3, -1), (2, 2), (3.0, 1), (3, "1"), 3, "31", None],
                         ids=["tuple", "list", "minus-one", "wrong-product", "float", "str", "int", "string", "None"])
@pytest.mark.parametrize("dim", [1, -2, 3])
def test_unflatten_module_as_torch(sizes, dim):
    """nn.Unflatten(dim, sizes) (the probe found it missing): its own checks of `sizes` at construction, then
    unflatten's in forward; the output shape and the printed module."""
    def program(m):
        layer = m.nn.Unflatten(dim, sizes)
        return repr(layer), _shape(layer(_x(m)))
    assert_matches_torch(program)
