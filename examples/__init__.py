"""Runnable scripts, one per chapter of the course, on either backend.

    python -m examples.01_hola_mundo --backend numpy     # minitorch_ref
    python -m examples.01_hola_mundo --backend torch     # PyTorch

Each script prints the same text on both backends, apart from the package name in reprs
(`torch.float32` / `minitorch_ref.float32`): random data is drawn with NumPy from a fixed
seed and converted with `from_numpy`, and models start from the same NumPy weights.
`tests/test_examples.py` checks exactly that.
"""
