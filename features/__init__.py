"""Per-unit features and peer groups (DESIGN.md §6).

    wide = features.build(frames, findings, coverage)   # unit_id, features…, peer_group
    # or, batch by batch: features.assign_peers(pl.concat([features.unit_features(batch, …), …]))
    long = features.long_form(wide)                     # + peer_median, peer_mad, robust_z

Feature names and their Chinese / English labels: ``features.labels``; peer groups
and the unit-kind mapping: ``features.peers``.
"""

from features.build import assign_peers, build, unit_features
from features.labels import FEATURES, LABELS, label
from features.normalize import long_form

__all__ = ["build", "unit_features", "assign_peers", "long_form", "FEATURES", "LABELS", "label"]
