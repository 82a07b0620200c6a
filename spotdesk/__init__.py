"""spotdesk: turn Spotify links into well-tagged audio files."""

__version__ = "0.1.0"
