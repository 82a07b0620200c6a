"""Loopback fakes of the outside services, shared by every test area."""
