"""klima-pipeline: the monitoring system behind the climate alliance's yearly status report."""

__version__ = "0.1.0"
