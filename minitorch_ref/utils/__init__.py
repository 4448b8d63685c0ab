"""`utils`: data loading (`utils.data`), and the handle hooks return (`utils.hooks`)."""
from . import data, hooks

__all__ = ["data", "hooks"]
