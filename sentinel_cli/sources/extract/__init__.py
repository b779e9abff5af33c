"""String extraction: the prompts inside repository files (config values, code literals).

Each extractor turns a whole source text into ``Extracted`` strings whose
``TextOrigin`` maps every character back to the file, so SARIF regions and
inline suppressions point at the right line and column.
"""
