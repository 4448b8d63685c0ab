"""`optim`: the optimizers of the course (SGD, Adam, AdamW, RMSprop; SparseAdam and Adagrad for sparse
gradients) and `lr_scheduler`."""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD
from .sparse_adam import SparseAdam

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "SparseAdam", "lr_scheduler"]
