"""LLM provider clients for the judge: one interface, one module per SDK, retries and failover."""
