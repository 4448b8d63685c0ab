"""Reverse-mode automatic differentiation: `Function`, `backward` and `grad`, the engine, grad modes,
`detect_anomaly`, `gradcheck`."""
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .differentiate import backward, grad
from .custom_function import Function
from .function import once_differentiable
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck  # the function shadows its module, as torch.autograd.gradcheck

__all__ = ["Function", "GradcheckError", "backward", "detect_anomaly", "enable_grad", "grad", "gradcheck",
           "inference_mode", "is_grad_enabled", "no_grad", "set_detect_anomaly", "set_grad_enabled"]
