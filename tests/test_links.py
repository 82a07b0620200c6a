"""The link parser: every accepted form, every rejected form, and text around links."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spotdesk.links import (
    CODE_INVALID,
    CODE_INVALID_PAIR,
    CODE_LOCAL_FILE,
    CODE_PODCAST,
    CODE_SHORT_LINK_FAILED,
    CODE_UNSUPPORTED,
    InvalidLink,
    ManualPair,
    ShortLinkFailed,
    parse_link,
    parse_links,
)
from spotdesk.model import LIKED_SONGS_ID, LinkKind, SpotifyLink

TRACK_ID = "1t2qKa8K72IBC8yQlhD9bU"
ALBUM_ID = "4MQnUDGXmHOvnsWCpzeqWT"
PLAYLIST_ID = "5LkNhFidYyyjRWwnkcMbQs"
ARTIST_ID = "1FPC2zwfMHhrP3frOfaai6"


class StubExpander:
    """Expands short links from a table, recording what it was asked."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.requests: list[str] = []

    def expand(self, url: str) -> str:
        self.requests.append(url)
        try:
            return self.table[url]
        except KeyError:
            raise ShortLinkFailed(f"The short link {url} did not lead to a Spotify link.") from None


ACCEPTED = [
    (f"https://open.spotify.com/track/{TRACK_ID}", LinkKind.TRACK, TRACK_ID),
    (f"https://open.spotify.com/album/{ALBUM_ID}", LinkKind.ALBUM, ALBUM_ID),
    (f"https://open.spotify.com/playlist/{PLAYLIST_ID}", LinkKind.PLAYLIST, PLAYLIST_ID),
    (f"https://open.spotify.com/artist/{ARTIST_ID}", LinkKind.ARTIST, ARTIST_ID),
    (f"https://open.spotify.com/intl-de/track/{TRACK_ID}", LinkKind.TRACK, TRACK_ID),
    (f"https://open.spotify.com/intl-pt/album/{ALBUM_ID}?si=abc123", LinkKind.ALBUM, ALBUM_ID),
    (
        f"https://open.spotify.com/track/{TRACK_ID}?si=f00&utm_source=copy-link",
        LinkKind.TRACK,
        TRACK_ID,
    ),
    (f"https://open.spotify.com/track/{TRACK_ID}/", LinkKind.TRACK, TRACK_ID),
    (f"https://open.spotify.com/playlist/{PLAYLIST_ID}/?si=x", LinkKind.PLAYLIST, PLAYLIST_ID),
    (f"http://open.spotify.com/track/{TRACK_ID}", LinkKind.TRACK, TRACK_ID),
    (f"open.spotify.com/track/{TRACK_ID}", LinkKind.TRACK, TRACK_ID),
    (f"HTTPS://OPEN.SPOTIFY.COM/track/{TRACK_ID}", LinkKind.TRACK, TRACK_ID),
    (f"https://play.spotify.com/track/{TRACK_ID}", LinkKind.TRACK, TRACK_ID),
    (f"https://open.spotify.com/embed/track/{TRACK_ID}", LinkKind.TRACK, TRACK_ID),
    (
        f"https://open.spotify.com/embed/playlist/{PLAYLIST_ID}?utm_source=generator&theme=0",
        LinkKind.PLAYLIST,
        PLAYLIST_ID,
    ),
    (f"https://open.spotify.com/intl-fr/embed/album/{ALBUM_ID}", LinkKind.ALBUM, ALBUM_ID),
    (
        f"https://open.spotify.com/user/someone/playlist/{PLAYLIST_ID}",
        LinkKind.PLAYLIST,
        PLAYLIST_ID,
    ),
    (
        f"https://open.spotify.com/album/{ALBUM_ID}?highlight=spotify:track:{TRACK_ID}",
        LinkKind.ALBUM,
        ALBUM_ID,
    ),
    (f"spotify:track:{TRACK_ID}", LinkKind.TRACK, TRACK_ID),
    (f"spotify:album:{ALBUM_ID}", LinkKind.ALBUM, ALBUM_ID),
    (f"spotify:playlist:{PLAYLIST_ID}", LinkKind.PLAYLIST, PLAYLIST_ID),
    (f"spotify:artist:{ARTIST_ID}", LinkKind.ARTIST, ARTIST_ID),
    (f"spotify:user:exampleuser00:playlist:{PLAYLIST_ID}", LinkKind.PLAYLIST, PLAYLIST_ID),
    (f"  spotify:track:{TRACK_ID}\n", LinkKind.TRACK, TRACK_ID),
    ("https://open.spotify.com/collection/tracks", LinkKind.LIKED, LIKED_SONGS_ID),
    ("https://open.spotify.com/collection/tracks?si=share", LinkKind.LIKED, LIKED_SONGS_ID),
    ("https://open.spotify.com/intl-de/collection/tracks/", LinkKind.LIKED, LIKED_SONGS_ID),
    ("open.spotify.com/collection/tracks", LinkKind.LIKED, LIKED_SONGS_ID),
    ("spotify:collection:tracks", LinkKind.LIKED, LIKED_SONGS_ID),
    ("spotify:user:exampleuser00:collection", LinkKind.LIKED, LIKED_SONGS_ID),
    ("spotify:user:exampleuser00:collection:tracks", LinkKind.LIKED, LIKED_SONGS_ID),
]


@pytest.mark.parametrize(("text", "kind", "object_id"), ACCEPTED)
def test_parse_link_accepts(text: str, kind: LinkKind, object_id: str) -> None:
    assert parse_link(text) == SpotifyLink(kind, object_id)


@pytest.mark.parametrize(("text", "kind", "object_id"), ACCEPTED)
def test_parse_links_accepts_same_forms(text: str, kind: LinkKind, object_id: str) -> None:
    result = parse_links(text)
    assert result.errors == []
    assert result.links == [SpotifyLink(kind, object_id)]


REJECTED = [
    (f"https://open.spotify.com/episode/{TRACK_ID}", CODE_PODCAST),
    (f"https://open.spotify.com/show/{TRACK_ID}", CODE_PODCAST),
    (f"https://open.spotify.com/embed-podcast/episode/{TRACK_ID}", CODE_PODCAST),
    (f"spotify:episode:{TRACK_ID}", CODE_PODCAST),
    (f"spotify:show:{TRACK_ID}", CODE_PODCAST),
    (f"https://open.spotify.com/audiobook/{TRACK_ID}", CODE_UNSUPPORTED),
    ("https://open.spotify.com/user/exampleuser00", CODE_UNSUPPORTED),
    ("https://open.spotify.com/collection/albums", CODE_UNSUPPORTED),
    ("https://open.spotify.com/collection", CODE_UNSUPPORTED),
    ("spotify:collection:albums", CODE_UNSUPPORTED),
    (f"spotify:liked:{TRACK_ID}", CODE_UNSUPPORTED),
    (f"https://open.spotify.com/liked/{TRACK_ID}", CODE_UNSUPPORTED),
    ("spotify:user:exampleuser00:collection:albums", CODE_INVALID),
    ("https://open.spotify.com/", CODE_UNSUPPORTED),
    (f"https://open.spotify.com/genre/{TRACK_ID}", CODE_UNSUPPORTED),
    ("https://open.spotify.com/track/tooShort", CODE_INVALID),
    (f"https://open.spotify.com/track/{TRACK_ID}X", CODE_INVALID),
    ("spotify:track:has-dashes-in-it-0000000", CODE_INVALID),
    ("spotify:track", CODE_INVALID),
    ("spotify:local:Artist:Album:Title:215", CODE_LOCAL_FILE),
    (f"https://www.youtube.com/watch?v={TRACK_ID}", CODE_INVALID),
    ("https://example.com/track/1t2qKa8K72IBC8yQlhD9bU", CODE_INVALID),
]


@pytest.mark.parametrize(("text", "code"), REJECTED)
def test_parse_link_rejects(text: str, code: str) -> None:
    with pytest.raises(InvalidLink) as caught:
        parse_link(text)
    assert caught.value.code == code
    assert caught.value.message


@pytest.mark.parametrize(("text", "code"), REJECTED)
def test_parse_links_reports_rejects(text: str, code: str) -> None:
    result = parse_links(text)
    assert result.links == []
    assert [error.code for error in result.errors] == [code]


def test_podcast_message_says_not_supported() -> None:
    with pytest.raises(InvalidLink) as caught:
        parse_link(f"https://open.spotify.com/episode/{TRACK_ID}")
    assert "podcasts are not supported yet" in caught.value.message


def test_unsupported_message_lists_accepted_forms() -> None:
    result = parse_links("https://example.com/song")
    assert "open.spotify.com/track/ID" in result.errors[0].message
    assert "spotify.link" in result.errors[0].message


def test_invalid_link_is_usage_error() -> None:
    from spotdesk.errors import UsageError

    with pytest.raises(UsageError):
        parse_link("not a link")


def test_empty_link_rejected() -> None:
    with pytest.raises(InvalidLink):
        parse_link("   ")


def test_links_found_inside_prose() -> None:
    text = (
        f"Listen to this (https://open.spotify.com/track/{TRACK_ID}), and the album "
        f'<https://open.spotify.com/album/{ALBUM_ID}?si=1>. Also "spotify:artist:{ARTIST_ID}"!'
    )
    result = parse_links(text)
    assert result.errors == []
    assert result.links == [
        SpotifyLink(LinkKind.TRACK, TRACK_ID),
        SpotifyLink(LinkKind.ALBUM, ALBUM_ID),
        SpotifyLink(LinkKind.ARTIST, ARTIST_ID),
    ]


def test_markdown_link_found() -> None:
    result = parse_links(f"[my song](https://open.spotify.com/track/{TRACK_ID})")
    assert result.links == [SpotifyLink(LinkKind.TRACK, TRACK_ID)]


def test_several_links_keep_order() -> None:
    text = "\n".join(
        [
            f"spotify:playlist:{PLAYLIST_ID}",
            f"https://open.spotify.com/track/{TRACK_ID}",
            f"open.spotify.com/album/{ALBUM_ID}",
        ]
    )
    kinds = [link.kind for link in parse_links(text).links]
    assert kinds == [LinkKind.PLAYLIST, LinkKind.TRACK, LinkKind.ALBUM]


def test_duplicates_removed_across_forms() -> None:
    text = (
        f"https://open.spotify.com/track/{TRACK_ID}?si=a spotify:track:{TRACK_ID} "
        f"https://open.spotify.com/intl-ja/track/{TRACK_ID}"
    )
    assert parse_links(text).links == [SpotifyLink(LinkKind.TRACK, TRACK_ID)]


def test_uri_list_comments_ignored() -> None:
    text = (
        "# exported from a playlist tool\r\n"
        f"https://open.spotify.com/track/{TRACK_ID}\r\n"
        "# https://open.spotify.com/album/not-a-real-id\r\n"
        f"spotify:album:{ALBUM_ID}\r\n"
    )
    result = parse_links(text)
    assert result.errors == []
    assert len(result.links) == 2


def test_only_comments_give_nothing() -> None:
    result = parse_links("# nothing here\n#\n")
    assert result.empty


def test_blank_text_gives_nothing() -> None:
    assert parse_links("  \n\t ").empty


def test_plain_words_without_links_rejected_once() -> None:
    result = parse_links("hello there, no links today")
    assert result.links == []
    assert len(result.errors) == 1
    assert "No Spotify link was found" in result.errors[0].message


def test_plain_words_beside_link_ignored() -> None:
    result = parse_links(f"great tune spotify:track:{TRACK_ID} enjoy")
    assert result.errors == []
    assert len(result.links) == 1


def test_bad_link_does_not_hide_good_ones() -> None:
    text = f"https://open.spotify.com/episode/{TRACK_ID} https://open.spotify.com/track/{TRACK_ID}"
    result = parse_links(text)
    assert result.links == [SpotifyLink(LinkKind.TRACK, TRACK_ID)]
    assert [error.code for error in result.errors] == [CODE_PODCAST]


def test_error_records_offending_text() -> None:
    result = parse_links("https://open.spotify.com/track/short")
    assert result.errors[0].text == "https://open.spotify.com/track/short"


def test_manual_pair_parsed() -> None:
    result = parse_links(
        f"https://media.example/audio.mp3|https://open.spotify.com/track/{TRACK_ID}"
    )
    assert result.errors == []
    assert result.links == []
    assert result.pairs == [
        ManualPair("https://media.example/audio.mp3", SpotifyLink(LinkKind.TRACK, TRACK_ID))
    ]


def test_manual_pair_accepts_uri() -> None:
    result = parse_links(f"https://www.youtube.com/watch?v=abc|spotify:track:{TRACK_ID}")
    assert result.pairs[0].audio_url == "https://www.youtube.com/watch?v=abc"


def test_manual_pair_string_round_trips() -> None:
    pair = ManualPair("https://media.example/a.mp3", SpotifyLink(LinkKind.TRACK, TRACK_ID))
    assert parse_links(str(pair)).pairs == [pair]


def test_manual_pair_needs_track() -> None:
    result = parse_links(f"https://media.example/a.mp3|spotify:album:{ALBUM_ID}")
    assert result.pairs == []
    assert [error.code for error in result.errors] == [CODE_INVALID_PAIR]


def test_manual_pair_needs_http_audio_url() -> None:
    result = parse_links(f"ftp://media.example/a.mp3|spotify:track:{TRACK_ID}")
    assert result.pairs == []
    assert [error.code for error in result.errors] == [CODE_INVALID_PAIR]


def test_manual_pair_with_bad_link_rejected() -> None:
    result = parse_links("https://media.example/a.mp3|spotify:track:nope")
    assert result.pairs == []
    assert [error.code for error in result.errors] == [CODE_INVALID]


def test_pairs_and_links_together() -> None:
    text = (
        f"https://media.example/a.mp3|spotify:track:{TRACK_ID}\n"
        f"https://open.spotify.com/album/{ALBUM_ID}\n"
        f"https://media.example/a.mp3|spotify:track:{TRACK_ID}\n"
    )
    result = parse_links(text)
    assert len(result.pairs) == 1
    assert result.links == [SpotifyLink(LinkKind.ALBUM, ALBUM_ID)]


def test_short_link_expanded() -> None:
    expander = StubExpander(
        {"https://spotify.link/AbCdEf": f"https://open.spotify.com/track/{TRACK_ID}?si=x"}
    )
    result = parse_links("https://spotify.link/AbCdEf", expander)
    assert result.links == [SpotifyLink(LinkKind.TRACK, TRACK_ID)]
    assert expander.requests == ["https://spotify.link/AbCdEf"]


def test_short_link_without_scheme_expanded() -> None:
    expander = StubExpander(
        {"https://spotify.link/AbCdEf": f"https://open.spotify.com/album/{ALBUM_ID}"}
    )
    assert parse_link("spotify.link/AbCdEf", expander) == SpotifyLink(LinkKind.ALBUM, ALBUM_ID)


def test_short_link_failure_reported() -> None:
    result = parse_links("see https://spotify.link/Missing", StubExpander({}))
    assert result.links == []
    assert [error.code for error in result.errors] == [CODE_SHORT_LINK_FAILED]


def test_short_link_to_podcast_rejected() -> None:
    expander = StubExpander(
        {"https://spotify.link/Pod": f"https://open.spotify.com/episode/{TRACK_ID}"}
    )
    result = parse_links("https://spotify.link/Pod", expander)
    assert [error.code for error in result.errors] == [CODE_PODCAST]


def test_short_link_to_other_site_rejected() -> None:
    expander = StubExpander({"https://spotify.link/Ad": "https://example.com/landing"})
    result = parse_links("https://spotify.link/Ad", expander)
    assert [error.code for error in result.errors] == [CODE_INVALID]


def test_short_link_failure_is_retryable() -> None:
    with pytest.raises(ShortLinkFailed) as caught:
        parse_link("https://spotify.link/Missing", StubExpander({}))
    assert caught.value.retryable


def test_normalised_link_parses_back() -> None:
    link = SpotifyLink(LinkKind.PLAYLIST, PLAYLIST_ID)
    assert parse_link(link.url) == link
    assert parse_link(link.uri) == link


def test_link_error_to_dict() -> None:
    error = parse_links("https://example.com/x").errors[0]
    assert error.to_dict() == {"text": error.text, "code": error.code, "message": error.message}


# -- properties ----------------------------------------------------------------------------

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
ids = st.text(alphabet=BASE62, min_size=22, max_size=22)
kinds = st.sampled_from([LinkKind.TRACK, LinkKind.ALBUM, LinkKind.PLAYLIST, LinkKind.ARTIST])
forms = st.sampled_from(
    [
        "https://open.spotify.com/{kind}/{id}",
        "https://open.spotify.com/intl-es/{kind}/{id}?si=0123abcd",
        "http://open.spotify.com/embed/{kind}/{id}/",
        "open.spotify.com/{kind}/{id}",
        "spotify:{kind}:{id}",
    ]
)


@given(kind=kinds, object_id=ids, form=forms)
def test_every_form_round_trips(kind: LinkKind, object_id: str, form: str) -> None:
    text = form.format(kind=kind.value, id=object_id)
    assert parse_link(text) == SpotifyLink(kind, object_id)


@given(
    links=st.lists(st.tuples(kinds, ids, forms), min_size=1, max_size=6),
    separator=st.sampled_from([" ", "\n", "\r\n", " , ", "\t", "; "]),
)
def test_links_in_text_keep_order(links: list[tuple[LinkKind, str, str]], separator: str) -> None:
    text = separator.join(
        form.format(kind=kind.value, id=object_id) for kind, object_id, form in links
    )
    expected = list(dict.fromkeys(SpotifyLink(kind, object_id) for kind, object_id, _ in links))
    result = parse_links(text, StubExpander({}))
    assert result.errors == []
    assert result.links == expected


@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    result = parse_links(text, StubExpander({}))
    for error in result.errors:
        assert error.message
        assert error.code.startswith("link.")


def test_markdown_table_pipes_ignored() -> None:
    text = (
        "| Song | Link |\n|---|---|\n"
        f"| Ropes | https://open.spotify.com/track/{TRACK_ID} |\n"
        f"|https://open.spotify.com/album/{ALBUM_ID}|\n"
    )
    result = parse_links(text)
    assert result.errors == []
    assert result.pairs == []
    assert result.links == [
        SpotifyLink(LinkKind.TRACK, TRACK_ID),
        SpotifyLink(LinkKind.ALBUM, ALBUM_ID),
    ]


def test_liked_songs_link_round_trips() -> None:
    link = parse_link("spotify:user:exampleuser00:collection")

    assert link.url == "https://open.spotify.com/collection/tracks"
    assert link.uri == "spotify:collection:tracks"
    assert parse_link(link.url) == link
    assert parse_link(link.uri) == link


def test_liked_songs_forms_deduplicated() -> None:
    text = "spotify:collection:tracks\nhttps://open.spotify.com/collection/tracks?si=1"

    result = parse_links(text)

    assert result.links == [SpotifyLink(LinkKind.LIKED, LIKED_SONGS_ID)]
    assert result.errors == []


def test_liked_songs_is_a_collection() -> None:
    assert LinkKind.LIKED.is_collection


def test_other_library_parts_name_liked_songs() -> None:
    with pytest.raises(InvalidLink) as caught:
        parse_link("https://open.spotify.com/collection/albums")
    assert "only Liked Songs" in caught.value.message
