"""Text handling for matching: normalisation, version markers and artist credits.

Titles from Spotify and from YouTube differ in width (full-width Latin in CJK titles),
accents, brackets and decorations such as "(Official Video)". Everything here works on
plain strings, so the matcher can compare the parts that name the recording.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Decorations that upload titles add but that do not identify the recording.
_NOISE = re.compile(
    r"\b(official\s+(music\s+)?(video|audio|visuali[sz]er|lyric\s+video|mv)|music\s+video"
    r"|lyric(s)?\s+video|lyrics?|audio|video|visuali[sz]er|hd|hq|4k|mv|m/v|pv"
    r"|remaster(ed)?(\s+\d{4})?|\d{4}\s+remaster(ed)?|explicit|clean|topic)\b"
    r"|公式|官方|歌词版|歌詞"
)

# Credits in a title such as "(feat. X)" or "ft. X": the artists are compared separately.
_FEATURE_IN_BRACKETS = re.compile(r"[(\[]\s*(feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]")
_FEATURE_TRAILING = re.compile(r"\s(feat\.?|ft\.?|featuring)\s.*$")

# Soundtrack notes such as "(From \"Movie\")" or " - From the Motion Picture ...", which
# Spotify keeps in titles and uploads often drop.
_SOURCE_NOTE = re.compile(r"[(\[]\s*from\s[^)\]]*[)\]]|\s[-–]\s+from\s.*$", re.IGNORECASE)

# Separators between artist names in one credit string. "和" and "、" join names in
# Chinese and Japanese; "with" only joins credits, so it is split only as a whole word.
_ARTIST_SEPARATORS = re.compile(
    r"\s*(?:,|;|&|＆|、|和|\+|/|\sx\s|\bvs\.?\s|\bfeat\.?\s|\bft\.?\s|\bfeaturing\s|\bwith\s)\s*"
)

# Channel decorations: "Artist - Topic" is YouTube's auto-generated channel of an artist.
_CHANNEL_SUFFIX = re.compile(
    r"(\s*-\s*topic|vevo|\s+official(\s+channel)?|\s+music)$", re.IGNORECASE
)


@dataclass(frozen=True)
class VersionMarker:
    """A kind of recording that differs from the studio original, and how to spot it."""

    reason: str  # stable phrase stored with the candidate
    pattern: re.Pattern[str]
    factor: float  # confidence is multiplied by this when the track does not ask for it


VERSION_MARKERS: tuple[VersionMarker, ...] = (
    VersionMarker("live version", re.compile(r"\blive\b|ライブ|现场|現場|演唱会|演唱會"), 0.45),
    VersionMarker("cover", re.compile(r"\bcover(ed)?\b|翻唱|カバー|歌ってみた"), 0.4),
    VersionMarker(
        "karaoke",
        re.compile(
            r"\bkaraoke\b|カラオケ|\boff\s?vocal\b|\bbacking\s+track\b|伴奏|\bsing\s?along\b"
        ),
        0.3,
    ),
    VersionMarker(
        "instrumental", re.compile(r"\binstrumental\b|\binst\b|纯音乐|純音樂|インスト"), 0.35
    ),
    VersionMarker("remix", re.compile(r"\bremix(ed)?\b|\brmx\b|\bmashup\b|\bbootleg\b"), 0.45),
    VersionMarker("sped up", re.compile(r"\bsped\s?up\b|\bspeed\s?up\b|加速"), 0.35),
    VersionMarker("slowed", re.compile(r"\bslowed\b|\breverb\b|减速|降速"), 0.35),
    VersionMarker("nightcore", re.compile(r"\bnightcore\b"), 0.3),
    VersionMarker("8D audio", re.compile(r"\b8d\b"), 0.35),
    VersionMarker("acoustic version", re.compile(r"\bacoustic\b|アコースティック|不插电"), 0.5),
    VersionMarker("extended version", re.compile(r"\bextended\b"), 0.6),
    VersionMarker("reaction video", re.compile(r"\breact(s|ion|ing)?\b|リアクション"), 0.2),
    VersionMarker(
        "tutorial",
        re.compile(r"\btutorial\b|\blesson\b|\bhow\s+to\s+(play|sing)\b|\bchords\b|教学|教學"),
        0.2,
    ),
    VersionMarker(
        "hour-long loop",
        re.compile(
            r"\b\d+\s*(hours?|hrs?|h)\b|\bloop(ed)?\b|\bon\s+repeat\b|\d+\s*(小时|小時|時間)"
            r"|一小时|一小時"
        ),
        0.15,
    ),
)


def fold(text: str) -> str:
    """Fold width, case and Latin accents, and turn punctuation into single spaces.

    Accents are dropped only from Latin letters, so Japanese voiced kana keep their marks
    and "が" stays different from "か".

    NOTE: Traditional and Simplified Chinese forms of one title ("氣" and "气") stay
    different, so such pairs score only as similar titles.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    characters: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) and characters and characters[-1] <= "\u024f":
            continue
        characters.append(char)
    text = unicodedata.normalize("NFC", "".join(characters))
    text = "".join(
        char if char.isalnum() or char.isspace() or char in "'&" else " " for char in text
    )
    return " ".join(text.replace("'", "").split())


def strip_features(title: str) -> str:
    """Remove "(feat. X)", "[with X]" and trailing "ft. X" credits from a raw title."""
    title = _FEATURE_IN_BRACKETS.sub(" ", title)
    return _FEATURE_TRAILING.sub("", title)


def core_title(title: str) -> str:
    """Fold a title down to the words that name the recording."""
    folded = fold(_SOURCE_NOTE.sub(" ", strip_features(title)))
    return " ".join(_NOISE.sub(" ", folded).split())


def version_markers(text: str) -> set[str]:
    """Return the reasons of every version marker found in `text`."""
    folded = fold(text)
    return {marker.reason for marker in VERSION_MARKERS if marker.pattern.search(folded)}


def split_artists(credit: str) -> list[str]:
    """Split one credit string such as "A feat. B & C" into folded artist names."""
    names = [fold(part) for part in _ARTIST_SEPARATORS.split(credit)]
    return [name for name in names if name]


def clean_channel(channel: str) -> str:
    """Fold a channel name and drop "- Topic", "VEVO" and similar decorations."""
    return fold(_CHANNEL_SUFFIX.sub("", channel.strip(), count=1))


def is_latin(text: str) -> bool:
    """Return True when at least half the letters of `text` are Latin (up to U+024F)."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return True
    latin = sum(1 for char in letters if char <= "\u024f")
    return latin * 2 >= len(letters)


def same_script(left: str, right: str) -> bool:
    """Return True when both texts are mostly Latin or both mostly non-Latin."""
    return is_latin(left) == is_latin(right)
