"""`python -m torch_impl ...`: see `torch_impl.cli`."""
from torch_impl.cli import main

raise SystemExit(main())
