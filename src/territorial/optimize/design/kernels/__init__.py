"""The design engine's compiled kernels (Numba, ``cache=True``): the search state and
its moves, convex hulls and diameters, articulation points, growth, the balance and
diameter tabu searches, the escape move, and one multistart iteration (``start``).

The Python drivers (``solve.py``, ``travel.py``, ...) live one folder up; nothing here
imports them.  After editing a kernel, delete this folder's ``__pycache__/*.nbi|*.nbc``
(Numba keys its cache on each function's own file).
"""
