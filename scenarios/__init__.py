"""The scenario scripts (installed as ``neuromorph.scenarios``; run them with ``neuromorph run NAME``)."""
