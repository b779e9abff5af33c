"""Output formatters: each takes ``ScanResult`` records, never the engine."""
