"""The local learned classifier: featuriser, artifact format and pure-Python scorer.

Serving never imports scikit-learn or numpy: the artifact is a flat binary file
of n-gram strings and float32 weights that loads into two dicts. Training
(``python -m sentinel_cli.training``) lives apart and is the only writer.
"""
