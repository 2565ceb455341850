"""What every layer shares: the error family, atomic file writing, bundled paths, checks.

Imports nothing else of coursekit; every other subpackage may import it.
"""
