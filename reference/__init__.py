"""Float64 reference implementations of every model and analysis in the domain notes.

``reference`` may import ``neuromorph.network`` (the shared description and result
types) and nothing else from ``neuromorph``.
"""
