"""`minitorch_ref.nn`: modules, parameters, initialisation and losses, as `torch.nn`.

    import minitorch_ref as torch
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    loss = torch.nn.CrossEntropyLoss()(model(x), y)
"""
from . import functional, init, utils
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _module_names
from .parameter import Buffer, Parameter

__all__ = ["Parameter", "Buffer", "functional", "init", "utils", *_module_names]
