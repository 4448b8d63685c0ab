"""`RemovableHandle`, where torch keeps it (`torch.utils.hooks`): what every `register_*hook` returns."""
from ..autograd.tensor_base import RemovableHandle

__all__ = ["RemovableHandle"]
