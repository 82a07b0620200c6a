"""The Spotify side: from a parsed link to tracks with the metadata to find, tag and name them.

`resolver.Resolver` is the entry point. It reads the Web API through spotipy with the
user's login from "Log in with Spotify" (`user_auth`) or the user's own app credentials
(`credentials`), Spotify's public embed pages otherwise (`public`), and caches results in
any `cache.MetadataCache`.
"""
