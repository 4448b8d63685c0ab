"""Kernels: the few computations where the textbook NumPy version costs more than the work.

Each module holds a kernel and, beside it, its *reference rule*: the short, obviously
correct version a learner reads first (a loop, or a dense one-hot matrix). The kernel must
return the same numbers (up to the order of float additions); `tests/test_kernels.py`
checks both on random inputs. `docs/embeddingbag.md` explains them.

- `runs`: sum (or max) over runs of consecutive entries, and sorting ids into runs. The
  building block of the others: cost proportional to the entries times the width.
- `embedding_bag`: EmbeddingBag's forward (sum, mean, max, per_sample_weights) and its
  weight gradient, coalesced (one row per distinct token id).
- `sparse_rows`: coalescing a row-sparse gradient (summing repeated rows).
- `cross_entropy`: cross-entropy of logits against class indices.

Only NumPy here: no imports from the rest of minitorch_ref, so anything can use them.
"""
