"""Reverse-mode automatic differentiation: `Function`, `backward` and `grad`, the engine, grad modes, `gradcheck`."""
from .differentiate import backward, grad
from .function import Function
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck  # the function shadows its module, as torch.autograd.gradcheck

__all__ = ["Function", "GradcheckError", "backward", "enable_grad", "grad", "gradcheck", "inference_mode",
           "is_grad_enabled", "no_grad", "set_grad_enabled"]
