"""The optional LLM judge: prompt, policy, cache, cost ledger, budgets and the scan stage."""
