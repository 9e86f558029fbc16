"""Flythroughs (pure core): camera paths as data, their presets, and the frames they describe."""
