"""Differentiable ops, one `Function` subclass each: a forward rule and a backward rule on NumPy arrays."""
