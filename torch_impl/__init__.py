"""The course on real PyTorch.

- `torch_impl.text`: torchtext's names (`get_tokenizer`, `build_vocab_from_iterator`, `AG_NEWS`,
  `collate_batch`, ...) on the shared `course` pipeline, returning torch tensors.
- `torch_impl.models`: the course's four models.
- `torch_impl.training`: the tutorial's recipe (`TrainConfig`, `train`, `evaluate`, `fit`,
  `run_recipe`, `plot_history`).
- `torch_impl.clip_grad_norm_`: gradient clipping that also works with sparse gradients.
- `torch_impl.predict`, `torch_impl.checkpoint`, `torch_impl.hub`: inference, saving, sharing.
- `python -m torch_impl`: the command line (`torch_impl.cli`).

Only `clip_grad_norm_` is imported here, so `import torch_impl` stays light; import the
submodules you need.
"""
from torch_impl.clip import clip_grad_norm_

__all__ = ["clip_grad_norm_"]
