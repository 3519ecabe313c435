"""The front end: the command line, ``compare``, ``bench`` and scenario discovery.

Layers, bottom to top: the chip core (the rest of ``neuromorph``), the float64
``reference`` standing on the core's description layer, and this package standing on
both. It is the only part of ``neuromorph`` that imports ``reference``; nothing below
imports it (``tests/test_layers.py`` checks both rules and that no imports form a cycle).

* :mod:`.scenarios` — find, describe and load scenario scripts;
* :mod:`.protocol` — :class:`~.protocol.Comparison` and the other types a scenario returns;
* :mod:`.metrics` — chip-vs-reference metrics and verdicts;
* :mod:`.runner` — run the backends and compare one or many scenarios;
* :mod:`.report` — figures, per-scenario reports, the ``--all`` table;
* :mod:`.bench` — the benchmark suite; :mod:`.cli` — ``neuromorph list | run | compare | bench``.

Importing this package imports none of them.
"""
