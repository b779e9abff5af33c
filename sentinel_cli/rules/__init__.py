"""Built-in rule packs (TOML data files); see ``sentinel_cli.rulepack``."""
