"""Chasing Followers: the course kit behind the notebooks."""

__version__ = "0.1.0"
