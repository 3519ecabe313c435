"""Float64 reference implementations of every model and analysis in the domain notes.

``reference`` stands on the chip's description layer and may import from ``neuromorph``
only ``neuromorph.network`` (the shared description and result types),
``neuromorph.errors``, ``neuromorph.hardware`` (the ``ChipSpec`` whose widths the
hardware-ordered network twin reads) and ``neuromorph.fixedpoint`` (the named integer
rules). It never imports ``neuromorph.app``, the front end that stands on both;
``tests/test_layers.py`` enforces this list.
"""
