"""Problem types: one module per type, each a `ProblemType` (problems/base.py) listed in problems/registry.py."""
