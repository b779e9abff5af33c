"""Measuring detection against labelled data: metrics, span scoring, the eval service."""
