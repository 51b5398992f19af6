"""A generated demo workspace: a small distributor's accounts, reps, alignment and sales."""

from territorial.sample.generate import DemoWorkspace, generate_workspace

__all__ = ["DemoWorkspace", "generate_workspace"]
