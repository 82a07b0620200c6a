"""Text normalisation, artist credits and version markers used by the matcher."""

from __future__ import annotations

from spotdesk.audio import titles


def test_fold_full_width() -> None:
    assert titles.fold("ＬＯＶＥ　ＳＯＮＧ") == "love song"


def test_fold_accents() -> None:
    assert titles.fold("Beyoncé – Café Señorita") == "beyonce cafe senorita"


def test_fold_keeps_kana_marks() -> None:
    assert titles.fold("がらす") == "がらす"
    assert titles.fold("ガラス") != titles.fold("カラス")


def test_fold_punctuation_to_spaces() -> None:
    assert titles.fold("Don't Stop (Me Now)!") == "dont stop me now"


def test_core_title_drops_decorations() -> None:
    cases = {
        "Blinding Lights (Official Video)": "blinding lights",
        "Blinding Lights [Official Music Video]": "blinding lights",
        "Blinding Lights (Lyrics)": "blinding lights",
        "Blinding Lights (Official Audio) HD": "blinding lights",
        "Here Comes the Sun - Remastered 2009": "here comes the sun",
        "Here Comes the Sun (2019 Remaster)": "here comes the sun",
        "夜に駆ける 公式": "夜に駆ける",
    }
    for title, expected in cases.items():
        assert titles.core_title(title) == expected, title


def test_core_title_drops_features() -> None:
    cases = {
        "Stay (feat. Justin Bieber)": "stay",
        "Stay [ft. Justin Bieber]": "stay",
        "Stay (with Justin Bieber)": "stay",
        "Stay feat. Justin Bieber": "stay",
    }
    for title, expected in cases.items():
        assert titles.core_title(title) == expected, title


def test_core_title_keeps_with_in_title() -> None:
    assert titles.core_title("Dancing with Myself") == "dancing with myself"


def test_split_artists_separators() -> None:
    cases = {
        "A feat. B": ["a", "b"],
        "A ft. B": ["a", "b"],
        "A featuring B": ["a", "b"],
        "A with B": ["a", "b"],
        "A & B": ["a", "b"],
        "A ＆ B": ["a", "b"],
        "A, B, C": ["a", "b", "c"],
        "A x B": ["a", "b"],
        "周杰伦、杨瑞代": ["周杰伦", "杨瑞代"],
        "周杰伦和杨瑞代": ["周杰伦", "杨瑞代"],
    }
    for credit, expected in cases.items():
        assert titles.split_artists(credit) == expected, credit


def test_split_artists_keeps_words_containing_separators() -> None:
    assert titles.split_artists("Within Temptation") == ["within temptation"]
    assert titles.split_artists("Xavier") == ["xavier"]


def test_clean_channel() -> None:
    assert titles.clean_channel("The Weeknd - Topic") == "the weeknd"
    assert titles.clean_channel("TheWeekndVEVO") == "theweeknd"
    assert titles.clean_channel("Adele Official") == "adele"


def test_version_markers_latin() -> None:
    assert titles.version_markers("Song (Live at Wembley)") == {"live version"}
    assert titles.version_markers("Song (Slowed + Reverb)") == {"slowed"}
    assert titles.version_markers("Song 10 Hours") == {"hour-long loop"}
    assert titles.version_markers("Song") == set()


def test_version_markers_cjk() -> None:
    assert titles.version_markers("夜に駆ける 歌ってみた") == {"cover"}
    assert titles.version_markers("告白气球 伴奏") == {"karaoke"}
    assert titles.version_markers("夜に駆ける 1時間") == {"hour-long loop"}
    assert titles.version_markers("告白气球 现场") == {"live version"}


def test_version_markers_need_whole_words() -> None:
    assert titles.version_markers("Alive") == set()
    assert titles.version_markers("Discovery") == set()
    assert titles.version_markers("Instinct") == set()


def test_script_detection() -> None:
    assert titles.is_latin("yoru ni kakeru")
    assert not titles.is_latin("夜に駆ける")
    assert not titles.is_latin("кино")
    assert titles.is_latin("")
    assert titles.same_script("lemon", "lemon remix")
    assert not titles.same_script("lemon", "レモン")
