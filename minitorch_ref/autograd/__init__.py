"""Reverse-mode automatic differentiation: `Function`, the backward engine, grad modes, `gradcheck`."""
from .function import Function
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck  # the function shadows its module, as torch.autograd.gradcheck

__all__ = ["Function", "GradcheckError", "backward", "enable_grad", "gradcheck", "inference_mode", "is_grad_enabled",
           "no_grad", "set_grad_enabled"]


def backward(tensors, grad_tensors=None, retain_graph=None) -> None:
    """`autograd.backward(loss)`: the function form of `loss.backward()`."""
    tensors = tensors if isinstance(tensors, (list, tuple)) else [tensors]
    grads = grad_tensors if isinstance(grad_tensors, (list, tuple)) else [grad_tensors] * len(tensors)
    for t, g in zip(tensors, grads):
        t.backward(g, retain_graph=retain_graph)
