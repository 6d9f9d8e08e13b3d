"""kainuu-metrics: monitoring of Kainuu wellbeing services county's NGO cooperation."""

__version__ = "0.1.0"
