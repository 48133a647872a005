"""isobpmn: electronic ISO (TCVN ISO 9001:2015) for Vietnamese public administration, on BPMN.

Kept import-free on purpose: ``isobpmn --version`` and the validator must start fast.
"""

__version__ = "0.1.0"
