"""exercisegen: randomized, auto-graded exercises on transposed convolutions."""

__version__ = "0.1.0"
