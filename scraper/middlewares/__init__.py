"""Downloader middlewares of the archive crawler."""
