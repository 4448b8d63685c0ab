"""The margin, embedding and likelihood losses torch has beyond the course's: a differential probe.

What this proves, each program run on both libraries (`parity_tests.outcomes`):
- `F.margin_ranking_loss`, `hinge_embedding_loss`, `cosine_embedding_loss`, `soft_margin_loss`,
  `multilabel_soft_margin_loss`, `multi_margin_loss`, `multilabel_margin_loss`, `triplet_margin_loss`,
  `triplet_margin_with_distance_loss`, `poisson_nll_loss` and `gaussian_nll_loss` exist and give torch's
  losses for every reduction, and torch's gradients of every input that requires grad (an upstream
  gradient that is not all ones), the result's dtype, shape and node (torch's own node,
  `SoftMarginLossBackward0`, `MultiMarginLossBackward0`, `MultilabelMarginLossBackward0`, or the last of the ops
  torch composes the loss from);
- their options (margins, p, eps, swap, full, log_input, class weights, the shapes of var), 0-d, 1-D and empty
  inputs, broadcasting, float16/float32/float64 and integer inputs and targets;
- the pre-1.0 `size_average`/`reduce` flags and their warning, 'elementwise_mean' and its warning (only where
  torch takes it) and each loss's own error for an unknown reduction;
- torch's errors, type and message: shape and dtype checks, out-of-range targets, targets or weights that may
  not require grad, and its argument parser's errors for arguments of the wrong type;
- the eleven modules, with torch's arguments, defaults, checks, attributes, buffers and repr.
"""
from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pytest

from parity_tests.outcomes import assert_matches_torch

RNG = np.random.default_rng(0)


def uniform(*shape: int, dtype: Any = np.float32, low: float = -2.0, high: float = 2.0) -> np.ndarray:
    return RNG.uniform(low, high, shape).astype(dtype)


def signs(*shape: int) -> np.ndarray:
    return np.where(uniform(*shape) > 0, 1.0, -1.0).astype(np.float32)


def loss_program(name: str, arrays: list, grads: list, options: dict | None = None, module: dict | None = None,
                 dtypes: list | None = None) -> Any:
    """A program: tensors of `arrays` (each of `dtypes`, requiring grad where `grads` says), the loss `name`
    (a function of `nn.functional`, or, given `module`'s options, a module of `nn`), then backward of an
    upstream gradient of increasing values; its result: the loss and the gradients."""
    def program(lib: Any) -> list:
        tensors = [lib.from_numpy(np.array(a).copy()) for a in arrays]
        if dtypes is not None:
            tensors = [t if d is None else t.to(getattr(lib, d)) for t, d in zip(tensors, dtypes)]
        for t, grad in zip(tensors, grads):
            t.requires_grad_(grad)
        loss = (getattr(lib.nn, name)(**module) if module is not None else getattr(lib.nn.functional, name))
        out = loss(*tensors, **(options or {}))
        if not out.requires_grad:
            return [out]
        upstream = np.linspace(0.5, 1.5, max(out.numel(), 1)).reshape(tuple(out.shape))
        out.backward(lib.from_numpy(upstream.astype(out.detach().numpy().dtype)))
        return [out] + [t.grad for t, grad in zip(tensors, grads) if grad]
    return program


REDUCTIONS = ["mean", "sum", "none", "elementwise_mean", "other"]
LEGACY = [dict(size_average=False), dict(reduce=False), dict(size_average=True, reduce=True)]
TARGETS = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [-1, 2, 1, 0]])
DUPLICATES = np.array([[1, 1, 2, -1], [2, 0, 2, 2], [3, -1, 3, 3]])


def cases() -> list:
    """(id, program arguments) of every case: a few of each loss per reduction, option, shape and dtype."""
    c = []
    for r in REDUCTIONS:
        c += [(f"margin_ranking-{r}-{m}-{s}", ("margin_ranking_loss", [uniform(*s), uniform(*s), signs(*s)],
                                                [True, True, True], dict(margin=m, reduction=r)))
              for m, s in [(0, (5,)), (0.5, ()), (-1, (2, 3)), (0.5, (0,))]]
        c += [(f"hinge-{r}-{m}-{s}", ("hinge_embedding_loss", [uniform(*s), signs(*s)], [True, True],
                                       dict(margin=m, reduction=r)))
              for m, s in [(1.0, (6,)), (0.2, ()), (2, (2, 3)), (1.0, (0,))]]
        c += [(f"cosine-{r}-{m}", ("cosine_embedding_loss", [uniform(4, 3), uniform(4, 3), signs(4)],
                                   [True, True, True], dict(margin=m, reduction=r))) for m in [0, 0.3, -0.5]]
        c += [(f"cosine-0d-{r}", ("cosine_embedding_loss", [uniform(3), uniform(3), np.float32(-1)],
                                  [True, True, False], dict(margin=-0.5, reduction=r)))]
        c += [(f"soft_margin-{r}-{s}", ("soft_margin_loss", [uniform(*s), signs(*s)], [True, False], dict(reduction=r)))
              for s in [(5,), (), (2, 3), (2, 0)]]
        c += [(f"multilabel_soft-{r}-{s}-{w}", ("multilabel_soft_margin_loss",
                                                [uniform(*s), (uniform(*s) > 0).astype(np.float32)]
                                                + ([uniform(4, low=0.1)] if w else []), [True, True, False],
                                                dict(reduction=r)))
              for s in [(3, 4), (4,), (2, 2, 4), (0, 4)] for w in [False, True]]
        c += [(f"multi_margin-{r}-{p}-{m}-{w}", ("multi_margin_loss", [uniform(3, 4), np.array([0, 3, 1])]
                                                 + ([uniform(4, low=0.1)] if w else []), [True, False, False],
                                                 dict(p=p, margin=m, reduction=r)))
              for p in [1, 2] for m in [1.0, 0.3, 3] for w in [False, True]]
        c += [(f"multi_margin-{r}-{x.shape}-{t.shape}", ("multi_margin_loss", [x, t], [True, False], dict(reduction=r)))
              for x, t in [(uniform(4), np.array([2])), (uniform(4), np.array(2)), (np.float32(0.4), np.array(0)),
                           (uniform(0, 3), np.zeros(0, np.int64))] if r == "none" or x.size]
        c += [(f"multilabel_margin-{r}-{i}", ("multilabel_margin_loss", [x, t], [True, False], dict(reduction=r)))
              for i, (x, t) in enumerate([(uniform(3, 4), TARGETS), (uniform(3, 4), DUPLICATES),
                                          (uniform(4), np.array([2, 0, -1, 3])), (np.float32(0.5), np.array(0)),
                                          (np.float32(0.5), np.array([-1])),
                                          (uniform(3, 4, dtype=np.float64), TARGETS)])]
        c += [(f"triplet-{r}-{p}-{swap}", ("triplet_margin_loss", [uniform(4, 3), uniform(4, 3), uniform(4, 3)],
                                           [True, True, True], dict(p=p, swap=swap, reduction=r)))
              for p in [2, 1, 0.5] for swap in [False, True]]
        c += [(f"triplet_distance-{r}-{swap}", ("triplet_margin_with_distance_loss",
                                                [uniform(4, 3), uniform(4, 3), uniform(4, 3)], [True, True, True],
                                                dict(swap=swap, margin=2.0, reduction=r))) for swap in [False, True]]
        c += [(f"poisson-{r}-{log}-{full}", ("poisson_nll_loss", [uniform(3, 4, low=0.1),
                                                                  RNG.poisson(2, (3, 4)).astype(np.float32)],
                                             [True, True], dict(log_input=log, full=full, reduction=r)))
              for log in [True, False] for full in [False, True]]
        c += [(f"gaussian-{r}-{full}-{v}", ("gaussian_nll_loss", [uniform(3, 4), uniform(3, 4), uniform(*v, low=0.1)],
                                            [True, True, True], dict(full=full, reduction=r)))
              for full in [False, True] for v in [(3, 4), (3,), (3, 1)]]
        c += [(f"gaussian-eps-{r}", ("gaussian_nll_loss", [uniform(3, 4), uniform(3, 4),
                                                           uniform(3, 4, low=0, high=0.01)],
                                     [True, True, True], dict(eps=0.005, reduction=r)))]
    for i, legacy in enumerate(LEGACY):
        c += [(f"legacy-{i}-{name}", (name, arrays, grads, legacy)) for name, arrays, grads in [
            ("margin_ranking_loss", [uniform(4), uniform(4), signs(4)], [True, True, False]),
            ("hinge_embedding_loss", [uniform(4), signs(4)], [True, False]),
            ("cosine_embedding_loss", [uniform(4, 3), uniform(4, 3), signs(4)], [True, True, False]),
            ("soft_margin_loss", [uniform(4), signs(4)], [True, False]),
            ("multilabel_soft_margin_loss", [uniform(3, 4), (uniform(3, 4) > 0).astype(np.float32)], [True, False]),
            ("multi_margin_loss", [uniform(3, 4), np.array([0, 3, 1])], [True, False]),
            ("multilabel_margin_loss", [uniform(3, 4), TARGETS], [True, False]),
            ("triplet_margin_loss", [uniform(4, 3), uniform(4, 3), uniform(4, 3)], [True, True, True]),
            ("poisson_nll_loss", [uniform(3, 4), RNG.poisson(2, (3, 4)).astype(np.float32)], [True, False])]]
    return c + EDGES


EDGES = [
    # dtypes: integer inputs keep torch's dtypes (and errors), a 0-d or float64 side promotes, float16 computes
    ("margin_ranking-int", ("margin_ranking_loss", [np.arange(4), np.arange(4)[::-1].copy(), np.array([1, -1, 1, -1])],
                            [False] * 3, dict(reduction="sum"))),
    ("margin_ranking-f64", ("margin_ranking_loss",
                            [uniform(4), uniform(4, dtype=np.float64), signs(4).astype(np.int64)],
                            [True, True, False], {})),
    ("margin_ranking-half", ("margin_ranking_loss", [uniform(4), uniform(4), signs(4)], [True, True, False], {},
                             None, ["float16"] * 3)),
    ("margin_ranking-broadcast", ("margin_ranking_loss", [uniform(4, 1), uniform(1, 3), signs(4, 3)],
                                  [True, True, False], {})),
    ("margin_ranking-dims", ("margin_ranking_loss", [uniform(4), uniform(4, 1), signs(4)], [True, True, False], {})),
    ("hinge-int-sum", ("hinge_embedding_loss", [np.arange(4) - 2, np.array([1, -1, 1, -1])], [False, False],
                       dict(reduction="sum"))),
    ("hinge-int-mean", ("hinge_embedding_loss", [np.arange(4) - 2, np.array([1, -1, 1, -1])], [False, False], {})),
    ("hinge-int-float-margin", ("hinge_embedding_loss", [np.arange(4) - 2, np.array([1, -1, 1, -1])], [False, False],
                                dict(reduction="none", margin=0.5))),
    ("hinge-other-targets", ("hinge_embedding_loss", [uniform(5), np.array([1, -1, 0, 2, 1], np.float32)],
                             [True, True], {})),
    ("hinge-broadcast", ("hinge_embedding_loss", [uniform(3, 1), signs(4)], [True, False], {})),
    ("hinge-f64-target", ("hinge_embedding_loss", [uniform(4), signs(4).astype(np.float64)], [True, True], {})),
    ("cosine-zero-vector", ("cosine_embedding_loss",
                            [np.zeros((2, 3), np.float32), uniform(2, 3), np.array([1, -1], np.float32)],
                            [True, True, False], {})),
    ("cosine-empty", ("cosine_embedding_loss", [uniform(0, 3), uniform(0, 3), np.zeros(0, np.float32)],
                      [True, True, False], {})),
    ("cosine-f64", ("cosine_embedding_loss", [uniform(4, 3), uniform(4, 3, dtype=np.float64), np.ones(4, np.int64)],
                    [True, True, False], {})),
    ("cosine-broadcast", ("cosine_embedding_loss", [uniform(1, 3), uniform(4, 3), np.ones(4, np.float32)],
                          [True, True, False], {})),
    ("cosine-2d-target", ("cosine_embedding_loss", [uniform(2, 3), uniform(2, 3), np.ones((2, 1), np.float32)],
                          [True, True, False], {})),
    ("cosine-1d-target-1d-input", ("cosine_embedding_loss", [uniform(2, 3), uniform(3), np.ones(2, np.float32)],
                                   [True, True, False], {})),
    ("cosine-0d-target-2d-input", ("cosine_embedding_loss", [uniform(2, 3), uniform(2, 3), np.float32(1)],
                                   [True, True, False], {})),
    ("soft_margin-overflow", ("soft_margin_loss",
                              [np.array([-100, 100, 50, -50], np.float32), np.array([1, 1, -1, -1], np.float32)],
                              [True, False], {})),
    ("soft_margin-f64-target", ("soft_margin_loss", [uniform(4), signs(4).astype(np.float64)], [True, False],
                                dict(reduction="none"))),
    ("soft_margin-long-target", ("soft_margin_loss", [uniform(4), signs(4).astype(np.int64)], [True, False], {})),
    ("soft_margin-long-input", ("soft_margin_loss", [np.arange(4), signs(4)], [False, False], {})),
    ("soft_margin-long-both", ("soft_margin_loss", [np.arange(4), np.ones(4, np.int64)], [False, False], {})),
    ("soft_margin-broadcast-target", ("soft_margin_loss", [uniform(3, 4), signs(4)], [True, False], {})),
    ("soft_margin-broadcast-input", ("soft_margin_loss", [uniform(4), signs(3, 4)], [True, False], {})),
    ("soft_margin-mismatch", ("soft_margin_loss", [uniform(3, 4), signs(3, 5)], [True, False], {})),
    ("soft_margin-target-requires-grad", ("soft_margin_loss", [uniform(4), signs(4)], [True, True], {})),
    ("soft_margin-half", ("soft_margin_loss", [uniform(4), signs(4)], [True, False], {}, None, ["float16"] * 2)),
    ("multilabel_soft-0d", ("multilabel_soft_margin_loss", [np.float32(0.3), np.float32(1)], [True, False], {})),
    ("multilabel_soft-long-target", ("multilabel_soft_margin_loss",
                                     [uniform(3, 4), (uniform(3, 4) > 0).astype(np.int64)],
                                     [True, False], {})),
    ("multilabel_soft-weight-grad", ("multilabel_soft_margin_loss",
                                     [uniform(3, 4), (uniform(3, 4) > 0).astype(np.float32),
                                                                     uniform(4)], [True, False, True], {})),
    ("multi_margin-p", ("multi_margin_loss", [uniform(3, 4), np.array([0, 3, 1])], [True, False], dict(p=3))),
    ("multi_margin-2d-weight", ("multi_margin_loss", [uniform(3, 4), np.array([0, 3, 1]), uniform(1, 4)],
                                [True, False, False], {})),
    ("multi_margin-weight-size", ("multi_margin_loss", [uniform(3, 4), np.array([0, 3, 1]), uniform(3)],
                                  [True, False, False], {})),
    ("multi_margin-weight-grad", ("multi_margin_loss", [uniform(3, 4), np.array([0, 3, 1]), uniform(4)],
                                  [True, False, True], {})),
    ("multi_margin-weight-f64", ("multi_margin_loss",
                                 [uniform(3, 4), np.array([0, 3, 1]), uniform(4, dtype=np.float64)],
                                 [True, False, False], {})),
    ("multi_margin-int32-target", ("multi_margin_loss", [uniform(3, 4), np.array([0, 3, 1], np.int32)], [True, False],
                                   {})),
    ("multi_margin-out-of-range", ("multi_margin_loss", [uniform(3, 4), np.array([0, 4, 1])], [True, False], {})),
    ("multi_margin-negative", ("multi_margin_loss", [uniform(3, 4), np.array([0, -1, 1])], [True, False], {})),
    ("multi_margin-target-size", ("multi_margin_loss", [uniform(3, 4), np.array([0, 1])], [True, False], {})),
    ("multi_margin-2d-target", ("multi_margin_loss", [uniform(3, 4), np.array([[0, 1, 2]])], [True, False], {})),
    ("multi_margin-3d", ("multi_margin_loss", [uniform(2, 3, 4), np.array([0, 1])], [True, False], {})),
    ("multi_margin-no-classes", ("multi_margin_loss", [uniform(2, 0), np.array([0, 1])], [True, False], {})),
    ("multi_margin-long-input", ("multi_margin_loss", [np.arange(12).reshape(3, 4), np.array([0, 1, 2])],
                                 [False, False], {})),
    ("multi_margin-half", ("multi_margin_loss", [uniform(3, 4), np.array([0, 1, 2])], [True, False], {}, None,
                           ["float16", None])),
    ("multi_margin-ties", ("multi_margin_loss", [np.array([[0., 1, 0, 1]], np.float32), np.array([1])], [True, False],
                           {})),
    ("multi_margin-nan", ("multi_margin_loss", [np.array([[np.nan, 1, 2]], np.float32), np.array([1])], [True, False],
                          {})),
    ("multilabel_margin-int32", ("multilabel_margin_loss", [uniform(3, 4), TARGETS.astype(np.int32)], [True, False],
                                 {})),
    ("multilabel_margin-below", ("multilabel_margin_loss", [uniform(3, 4), TARGETS - 1], [True, False], {})),
    ("multilabel_margin-above", ("multilabel_margin_loss", [uniform(3, 4), TARGETS + 1], [True, False], {})),
    ("multilabel_margin-shape", ("multilabel_margin_loss", [uniform(3, 4), TARGETS[:, :3]], [True, False], {})),
    ("multilabel_margin-1d-shape", ("multilabel_margin_loss", [uniform(4), TARGETS[:2, :2]], [True, False], {})),
    ("multilabel_margin-long-input", ("multilabel_margin_loss", [np.arange(12).reshape(3, 4), TARGETS],
                                      [False, False], {})),
    ("multilabel_margin-half", ("multilabel_margin_loss", [uniform(3, 4), TARGETS], [True, False], {}, None,
                                ["float16", None])),
    ("multilabel_margin-3d", ("multilabel_margin_loss", [uniform(2, 3, 4), TARGETS], [True, False], {})),
    ("multilabel_margin-empty-none", ("multilabel_margin_loss", [uniform(0, 4), np.zeros((0, 4), np.int64)],
                                      [True, False],
                                      dict(reduction="none"))),
    ("triplet-margin-0", ("triplet_margin_loss", [uniform(4, 3)] * 3, [True] * 3, dict(margin=0))),
    ("triplet_distance-margin-0", ("triplet_margin_with_distance_loss", [uniform(4, 3)] * 3, [True] * 3,
                                   dict(margin=0))),
    ("triplet-eps-0", ("triplet_margin_loss", [np.ones((2, 3), np.float32)] * 3, [True] * 3, dict(eps=0))),
    ("triplet-dims", ("triplet_margin_loss", [uniform(4, 3), uniform(3), uniform(4, 3)], [True] * 3, {})),
    ("triplet_distance-dims", ("triplet_margin_with_distance_loss", [uniform(4, 3), uniform(4, 3), uniform(3)],
                               [True] * 3, {})),
    ("triplet-broadcast", ("triplet_margin_loss", [uniform(1, 3), uniform(4, 3), uniform(4, 1)], [True] * 3, {})),
    ("triplet-3d-swap", ("triplet_margin_loss", [uniform(2, 3, 2), uniform(2, 3, 2), uniform(2, 3, 2)], [True] * 3,
                         dict(swap=True))),
    ("triplet-f64", ("triplet_margin_loss", [uniform(4, 3, dtype=np.float64), uniform(4, 3), uniform(4, 3)],
                     [True] * 3, {})),
    ("triplet-int", ("triplet_margin_loss",
                     [np.arange(6).reshape(2, 3), np.ones((2, 3), np.int64), np.zeros((2, 3), np.int64)],
                     [False] * 3, {})),
    ("poisson-eps", ("poisson_nll_loss", [np.array([0, 1, 2], np.float32), np.array([1, 2, 0], np.float32)],
                     [True, True],
                     dict(log_input=False, eps=0.5))),
    ("poisson-long-target", ("poisson_nll_loss", [uniform(5), RNG.poisson(3, 5)], [True, False], dict(full=True))),
    ("poisson-f64-target", ("poisson_nll_loss", [uniform(5), RNG.poisson(3, 5).astype(np.float64)], [True, True],
                            dict(full=True, reduction="none"))),
    ("poisson-broadcast", ("poisson_nll_loss", [uniform(3, 1), RNG.poisson(3, 5).astype(np.float32)], [True, True],
                           dict(full=True))),
    ("poisson-int", ("poisson_nll_loss", [np.arange(4), np.arange(4)], [False, False], dict(full=True))),
    ("poisson-0d-full", ("poisson_nll_loss", [np.float32(0.5), np.float32(3)], [True, True], dict(full=True))),
    ("gaussian-negative-var", ("gaussian_nll_loss", [uniform(3, 4), uniform(3, 4), uniform(3, 4)], [True] * 3, {})),
    ("gaussian-var-size", ("gaussian_nll_loss", [uniform(3, 4), uniform(3, 4), uniform(2, 4, low=0.1)], [True] * 3,
                           {})),
    ("gaussian-var-two-off", ("gaussian_nll_loss", [uniform(3, 4), uniform(3, 4), uniform(1, 1, low=0.1)], [True] * 3,
                              {})),
    ("gaussian-var-size-2", ("gaussian_nll_loss", [uniform(3, 4), uniform(3, 4), uniform(3, 2, low=0.1)], [True] * 3,
                             {})),
    ("gaussian-var-last-dim", ("gaussian_nll_loss", [uniform(3, 4), uniform(3, 4), uniform(4, low=0.1)], [True] * 3,
                               {})),
    ("gaussian-target-broadcast", ("gaussian_nll_loss", [uniform(3, 4), uniform(4), uniform(3, 4, low=0.1)],
                                   [True] * 3, {})),
    ("gaussian-0d", ("gaussian_nll_loss", [np.float32(1), np.float32(2), np.float32(0.5)], [True] * 3, {})),
    ("gaussian-int", ("gaussian_nll_loss", [np.arange(4), np.arange(4), np.ones(4, np.int64)], [False] * 3, {})),
    ("gaussian-zero-var", ("gaussian_nll_loss", [uniform(3, 4), uniform(3, 4), np.zeros((3, 4), np.float32)],
                           [True] * 3, {})),
]


@pytest.mark.parametrize("arguments", [arguments for _, arguments in cases()], ids=[name for name, _ in cases()])
def test_loss_matches_torch(arguments):
    name, arrays, grads, options, *more = arguments
    tolerance = (2e-3, 1e-5) if "float16" in str(more) else (1e-5, 1e-6)
    assert_matches_torch(loss_program(name, arrays, grads, options, *more), warnings=True, tolerance=tolerance)


MODULES = [
    ("MarginRankingLoss", dict(margin=0.3), [uniform(5), uniform(5), signs(5)], [True, True, True]),
    ("HingeEmbeddingLoss", dict(margin=0.7), [uniform(5), signs(5)], [True, False]),
    ("CosineEmbeddingLoss", dict(margin=0.1), [uniform(4, 3), uniform(4, 3), signs(4)], [True, True, False]),
    ("SoftMarginLoss", {}, [uniform(5), signs(5)], [True, False]),
    ("MultiLabelSoftMarginLoss", {}, [uniform(3, 4), (uniform(3, 4) > 0).astype(np.float32)], [True, False]),
    ("MultiMarginLoss", dict(p=2, margin=0.5), [uniform(3, 4), np.array([0, 3, 1])], [True, False]),
    ("MultiLabelMarginLoss", {}, [uniform(3, 4), TARGETS], [True, False]),
    ("TripletMarginLoss", dict(margin=0.5, p=1, eps=1e-3, swap=True), [uniform(4, 3)] * 3, [True] * 3),
    ("TripletMarginWithDistanceLoss", dict(margin=0.5, swap=True), [uniform(4, 3), uniform(4, 3), uniform(4, 3)],
     [True] * 3),
    ("PoissonNLLLoss", dict(log_input=False, full=True, eps=1e-4), [uniform(3, 4, low=0.1),
                                                                    RNG.poisson(2, (3, 4)).astype(np.float32)],
     [True, False]),
    ("GaussianNLLLoss", dict(full=True, eps=1e-3), [uniform(3, 4), uniform(3, 4), uniform(3, 1, low=0.1)], [True] * 3),
]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name, options, arrays, grads", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(name, options, arrays, grads, reduction):
    assert_matches_torch(loss_program(name, arrays, grads, module=dict(options, reduction=reduction)), warnings=True,
                         tolerance=(1e-5, 1e-6))


def module_summary(lib: Any, name: str, options: dict) -> list:
    """A module built with `options` (weights named as strings, built here): repr, attributes, buffers."""
    options = {key: lib.ones(*value) if key == "weight" else value for key, value in options.items()}
    module = getattr(lib.nn, name)(**options)
    attributes = {key: getattr(module, key) for key in ("margin", "p", "eps", "swap", "full", "log_input", "reduction")
                  if hasattr(module, key)}
    return [repr(module), attributes, list(module.state_dict())]


@pytest.mark.parametrize("name, options", [
    ("TripletMarginLoss", dict(margin=0)), ("TripletMarginLoss", dict(margin=-1)),
    ("TripletMarginWithDistanceLoss", dict(margin=0)), ("TripletMarginWithDistanceLoss", {}),
    ("MultiMarginLoss", dict(p=3)), ("MultiMarginLoss", dict(weight=(2, 3))), ("MultiMarginLoss", dict(weight=(3,))),
    ("MultiLabelSoftMarginLoss", dict(weight=(3,))), ("MarginRankingLoss", dict(reduction="other")),
    ("SoftMarginLoss", dict(size_average=False)), ("MultiLabelMarginLoss", dict(reduce=False)),
    ("PoissonNLLLoss", dict(reduce=False)), ("GaussianNLLLoss", dict(reduction="other")),
    ("CosineEmbeddingLoss", dict(size_average=True)), ("HingeEmbeddingLoss", dict(reduction="elementwise_mean")),
])
def test_module_construction_matches_torch(name, options):
    assert_matches_torch(lambda lib: module_summary(lib, name, options), warnings=True)


NAMES = ["CosineEmbeddingLoss", "MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss", "MultiLabelSoftMarginLoss",
         "MultiMarginLoss", "MultiLabelMarginLoss", "TripletMarginLoss", "TripletMarginWithDistanceLoss",
         "PoissonNLLLoss", "GaussianNLLLoss"]
FUNCTIONS = ["cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
             "multilabel_soft_margin_loss", "multi_margin_loss", "multilabel_margin_loss", "triplet_margin_loss",
             "triplet_margin_with_distance_loss", "poisson_nll_loss", "gaussian_nll_loss"]


def parameters(function: Any) -> list:
    return [(p.name, p.default, p.kind) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("name", NAMES + FUNCTIONS)
def test_signatures_are_torchs(name):
    def signature(lib):
        if name in FUNCTIONS:
            return parameters(getattr(lib.nn.functional, name))
        module = getattr(lib.nn, name)
        return [parameters(module.__init__), parameters(module.forward)]
    assert_matches_torch(signature)


def arrays_of(lib: Any, *arrays: np.ndarray) -> list:
    return [lib.from_numpy(np.array(a).copy()) for a in arrays]


X, S, CLASSES = uniform(3, 4), signs(3, 4), np.array([0, 1, 2])
CALLS = {  # (a call of the loss with one argument `bad`, which torch's argument parser refuses)
    "margin_ranking_loss-target": lambda F, t, bad: F.margin_ranking_loss(t[0][0], t[0][1], bad),
    "margin_ranking_loss-margin": lambda F, t, bad: F.margin_ranking_loss(t[0][0], t[0][1], t[1][0], bad),
    "hinge_embedding_loss-input": lambda F, t, bad: F.hinge_embedding_loss(bad, t[1]),
    "hinge_embedding_loss-target": lambda F, t, bad: F.hinge_embedding_loss(t[0], bad),
    "hinge_embedding_loss-margin": lambda F, t, bad: F.hinge_embedding_loss(t[0], t[1], bad),
    "cosine_embedding_loss-input2": lambda F, t, bad: F.cosine_embedding_loss(t[0], bad, t[1][:, 0]),
    "cosine_embedding_loss-target": lambda F, t, bad: F.cosine_embedding_loss(t[0], t[0], bad),
    "cosine_embedding_loss-margin": lambda F, t, bad: F.cosine_embedding_loss(t[0], t[0], t[1][:, 0], bad),
    "soft_margin_loss-input": lambda F, t, bad: F.soft_margin_loss(bad, t[1]),
    "soft_margin_loss-target": lambda F, t, bad: F.soft_margin_loss(t[0], bad),
    "multi_margin_loss-input": lambda F, t, bad: F.multi_margin_loss(bad, t[2]),
    "multi_margin_loss-target": lambda F, t, bad: F.multi_margin_loss(t[0], bad),
    "multi_margin_loss-margin": lambda F, t, bad: F.multi_margin_loss(t[0], t[2], margin=bad),
    "multilabel_margin_loss-input": lambda F, t, bad: F.multilabel_margin_loss(bad, t[2]),
    "multilabel_margin_loss-target": lambda F, t, bad: F.multilabel_margin_loss(t[0], bad),
    "triplet_margin_loss-positive": lambda F, t, bad: F.triplet_margin_loss(t[0], bad, t[0]),
    "triplet_margin_loss-p": lambda F, t, bad: F.triplet_margin_loss(t[0], t[0], t[0], p=bad),
    "triplet_margin_loss-eps": lambda F, t, bad: F.triplet_margin_loss(t[0], t[0], t[0], eps=bad),
    "triplet_margin_loss-swap": lambda F, t, bad: F.triplet_margin_loss(t[0], t[0], t[0], swap=bad),
    "poisson_nll_loss-input": lambda F, t, bad: F.poisson_nll_loss(bad, t[0]),
    "poisson_nll_loss-target": lambda F, t, bad: F.poisson_nll_loss(t[0], bad),
    "poisson_nll_loss-log_input": lambda F, t, bad: F.poisson_nll_loss(t[0], t[0], log_input=bad),
    "poisson_nll_loss-full": lambda F, t, bad: F.poisson_nll_loss(t[0], t[0], full=bad),
    "poisson_nll_loss-eps": lambda F, t, bad: F.poisson_nll_loss(t[0], t[0], log_input=False, eps=bad),
}


@pytest.mark.parametrize("bad", [1.0, [1.0], None, "a", np.float32(1.0), 2, True], ids=repr)
@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_argument_types_are_checked_as_torch(call, bad):
    assert_matches_torch(lambda lib: call(lib.nn.functional, arrays_of(lib, X, S, CLASSES), bad))


@pytest.mark.parametrize("var", [0.5, -0.5, 0.0])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gaussian_nll_loss_takes_a_float_variance(var, reduction):
    assert_matches_torch(loss_program("gaussian_nll_loss", [X, S], [True, True], dict(var=var, reduction=reduction)),
                         warnings=True)


def test_triplet_margin_with_distance_loss_takes_any_distance():
    def program(lib):
        def distance(a, b):
            return 1.0 - lib.nn.functional.cosine_similarity(a, b)
        tensors = [t.requires_grad_() for t in arrays_of(lib, X, S, X[::-1])]
        out = lib.nn.TripletMarginWithDistanceLoss(distance_function=distance, swap=True)(*tensors)
        out.backward()
        return [out] + [t.grad for t in tensors]
    assert_matches_torch(program)


def test_losses_under_no_grad_accept_targets_and_weights_that_require_grad():
    def program(lib):
        x, target, weight = arrays_of(lib, X, S, np.ones(4, np.float32))
        with lib.no_grad():
            return [lib.nn.functional.soft_margin_loss(x, target.requires_grad_()),
                    lib.nn.functional.multi_margin_loss(x, lib.tensor([0, 1, 2]), weight=weight.requires_grad_())]
    assert_matches_torch(program)


# --------------------------------------------------------------------------- CTC
LOG_PROBS = np.random.default_rng(1).standard_normal((5, 2, 4)).astype(np.float32)
PADDED = np.array([[1, 2], [3, 3]])


def ctc_program(log_probs: np.ndarray = LOG_PROBS, targets: np.ndarray = PADDED, input_lengths: Any = (5, 4),
                target_lengths: Any = (2, 1), lengths: str = "tuple", module: bool = False, **options: Any) -> Any:
    """ctc_loss (or CTCLoss) of log_softmax(logits) and `targets`, the lengths as tuples or tensors (of `lengths`'s
    dtype), then backward: the loss and the logits' gradient (float logits only)."""
    def program(lib: Any) -> list:
        logits = lib.from_numpy(np.array(log_probs).copy())
        floating = logits.dtype.is_floating_point
        x = logits.requires_grad_().log_softmax(-1) if floating else logits
        def lengths_of(values: Any) -> Any:
            return tuple(values) if lengths == "tuple" else lib.tensor(list(values), dtype=getattr(lib, lengths))
        args = (x, lib.from_numpy(np.array(targets).copy()), lengths_of(input_lengths), lengths_of(target_lengths))
        out = lib.nn.CTCLoss(**options)(*args) if module else lib.nn.functional.ctc_loss(*args, **options)
        if not out.requires_grad:
            return [out]
        upstream = np.linspace(0.5, 1.5, max(out.numel(), 1)).reshape(tuple(out.shape))
        out.backward(lib.from_numpy(upstream).to(out.dtype))
        return [out, logits.grad]
    return program


CTC_CASES = {
    **{f"{r}-{zero}": dict(reduction=r, zero_infinity=zero) for r in ["mean", "sum", "none"] for zero in [False, True]},
    **{f"blank-{b}": dict(blank=b, reduction="none") for b in [1, 3, 4, -1]},  # (a target may equal the blank)
    "elementwise_mean": dict(reduction="elementwise_mean"), "other-reduction": dict(reduction="other"),
    "int32-targets": dict(targets=PADDED.astype(np.int32)), "float-targets": dict(targets=PADDED + 0.7),
    "concatenated": dict(targets=np.array([1, 2, 3])), "concatenated-size": dict(targets=np.array([1, 2, 3, 3])),
    "wider-targets": dict(targets=np.array([[1, 2, 0, 0], [3, 3, 0, 0]]), reduction="none"),
    "narrower-targets": dict(target_lengths=(3, 1)), "targets-3d": dict(targets=PADDED[None]),
    "targets-0d": dict(targets=np.array(1)), "input-too-long": dict(input_lengths=(6, 4)),
    "input-negative": dict(input_lengths=(5, -1)), "target-negative": dict(target_lengths=(2, -1)),
    "lengths-size": dict(input_lengths=(5,)), "target-lengths-size": dict(target_lengths=(2, 1, 1)),
    "tensor-lengths": dict(lengths="int64"), "int32-lengths": dict(lengths="int32"),
    "float-lengths": dict(lengths="float32"),
    "float64": dict(log_probs=LOG_PROBS.astype(np.float64)), "float16": dict(log_probs=LOG_PROBS.astype(np.float16)),
    "int-log-probs": dict(log_probs=LOG_PROBS.astype(np.int64)), "2d-batched-lengths": dict(log_probs=LOG_PROBS[0]),
    "1d-log-probs": dict(log_probs=LOG_PROBS[0, 0], targets=np.array([1]), input_lengths=(1,), target_lengths=(1,)),
    "unbatched": dict(log_probs=LOG_PROBS[:, 0], targets=PADDED[0], input_lengths=(5,), target_lengths=(2,)),
    "unbatched-none": dict(log_probs=LOG_PROBS[:, 0], targets=PADDED[0], input_lengths=(5,), target_lengths=(2,),
                           reduction="none"),
    "impossible": dict(input_lengths=(1, 4), reduction="none"),
    "impossible-zeroed": dict(input_lengths=(1, 4), reduction="none", zero_infinity=True),
    "impossible-mean-zeroed": dict(input_lengths=(1, 4), zero_infinity=True),
    "repeats-need-a-blank": dict(targets=np.array([[1, 1], [3, 3]]), input_lengths=(2, 4), reduction="none"),
    "no-input": dict(input_lengths=(0, 4), target_lengths=(0, 1), reduction="none"),
    "no-targets": dict(target_lengths=(0, 0)), "empty-targets": dict(targets=np.zeros((2, 0), np.int64),
                                                                       target_lengths=(0, 0), reduction="none"),
    "module": dict(module=True), "module-options": dict(module=True, reduction="none", blank=3, zero_infinity=True),
}


@pytest.mark.parametrize("options", CTC_CASES.values(), ids=CTC_CASES.keys())
def test_ctc_loss_matches_torch(options):
    assert_matches_torch(ctc_program(**options), warnings=True, tolerance=(1e-5, 1e-6))


@pytest.mark.parametrize("seed", range(12))
def test_ctc_loss_of_random_alignments_matches_torch(seed):
    """Random lengths, blanks, padded or concatenated targets (their labels may repeat or be the blank)."""
    rng = np.random.default_rng(seed)
    steps, batch, classes = int(rng.integers(1, 7)), int(rng.integers(1, 4)), int(rng.integers(2, 6))
    target_lengths = [int(n) for n in rng.integers(0, 4, batch)]
    concatenated = bool(seed % 2)
    shape = (sum(target_lengths),) if concatenated else (batch, max(target_lengths) + int(rng.integers(0, 2)))
    assert_matches_torch(ctc_program(
        rng.standard_normal((steps, batch, classes)).astype(np.float64 if seed % 3 else np.float32),
        rng.integers(0, classes, shape), [int(n) for n in rng.integers(0, steps + 1, batch)], target_lengths,
        blank=int(rng.integers(0, classes)), reduction=["mean", "sum", "none"][seed % 3], zero_infinity=seed % 4 < 2),
        tolerance=(1e-5, 1e-6))


def test_ctc_module_is_torchs():
    def summary(lib):
        module = lib.nn.CTCLoss(blank=2, zero_infinity=True)
        return [repr(module), module.blank, module.zero_infinity, module.reduction,
                parameters(lib.nn.CTCLoss.__init__), parameters(lib.nn.CTCLoss.forward),
                parameters(lib.nn.functional.ctc_loss)]
    assert_matches_torch(summary)
