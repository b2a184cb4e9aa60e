"""The benchmark: cases, the turn-based protocol, judge rubrics, safety probes, statistics and the report."""
