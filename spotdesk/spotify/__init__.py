"""The Spotify side: from a parsed link to tracks with the metadata to find, tag and name them.

`resolver.Resolver` is the entry point. It reads the Web API through spotipy when the user
configured app credentials (`credentials`), Spotify's public embed pages otherwise
(`public`), and caches results in any `cache.MetadataCache`.
"""
