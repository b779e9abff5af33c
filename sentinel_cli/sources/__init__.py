"""Input readers: each turns a file (or stdin) into a stream of prompts."""
