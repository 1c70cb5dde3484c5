"""Hypatia compatibility: read Hypatia's inputs, compute its all-pairs routing, write its outputs."""
