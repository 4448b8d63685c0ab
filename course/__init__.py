"""Framework-free pieces of the course that both backends share.

Nothing in this package imports torch or minitorch_ref at import time:

- `course.text`: the torchtext-compatible text pipeline (tokenizer, vocabulary, ngrams).
- `course.batching`: collate and the pre-tokenized corpus (NumPy id arrays, offsets, labels).
- `course.datasets`: AG_NEWS / DBpedia CSV readers and the built-in synthetic corpus.
- `course.models`: the course's four models, written once against the torch API and
  bound to a backend module (`minitorch_ref` or `torch`).
- `course.paths`: where `../shared` (real data, golden files) lives.
"""
