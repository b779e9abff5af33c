"""Build the local model: gather data, train, calibrate, cross-validate, write artifact and card.

Run ``python -m sentinel_cli.training --help``. Needs the ``train`` extra
(scikit-learn, numpy, scipy, PyYAML); serving never imports this package.
"""
