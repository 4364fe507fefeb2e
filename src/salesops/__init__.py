"""salesops: an open-source sales management platform."""

__version__ = "0.1.0"
