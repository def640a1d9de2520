"""Yijian (一件): a BPMN workflow engine service for 高效办成一件事 government service bundles."""

__version__ = "0.1.0"
