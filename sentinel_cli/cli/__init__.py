"""The thin Typer layer: parse flags, call a service, render, exit."""
