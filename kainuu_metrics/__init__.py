"""kainuu-metrics: monitoring of a wellbeing services county's NGO cooperation (built for Kainuu, configured per county)."""

__version__ = "0.1.0"
