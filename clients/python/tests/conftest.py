"""Tests the installed package when there is one (as the e2e test does), else the sources beside."""
import os
import sys

try:
    import baton_events  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
