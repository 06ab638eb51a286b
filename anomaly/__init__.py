"""anomaly: screen budget disclosures across units."""

__version__ = "0.1.0"
