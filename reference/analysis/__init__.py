"""Analyses of the domain notes (CATALOGUE rows A1–A13) and chip-vs-reference agreement.

One module per family; every function reads chip output and reference output alike:
a :class:`neuromorph.network.SpikeLog`, a :class:`neuromorph.network.Traces`, or plain
NumPy arrays (spike times in seconds, voltage samples).

==================  ==========================================================
module              rows
==================  ==========================================================
``spectra``         A1  power spectral density (course definition, Welch)
``firing``          A2–A4  F-I curves, ISI / CV_ISI / histograms / Fano, rates
``decoding``        A5  Bayesian population decoding, Poisson tuning, Fisher info
``phase``           A6  spike phase, vector strength
``dynamics``        A7–A9  fixed points, Jacobian, nullclines, bifurcations, Lyapunov
``information``     A10–A11  mutual information, capacity, coding efficiency, TE
``connectivity``    A12  degrees, reciprocity, clustering, motif counts
``detection``       A13  spike detection in voltage traces
``agreement``       spike-train agreement (Γ, van Rossum, Victor–Purpura, KS, ...)
==================  ==========================================================

Importing this package imports nothing heavy; import the submodules you need.
"""
