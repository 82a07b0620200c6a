"""Scoring cases: the versions a search turns up and which one the matcher must prefer."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spotdesk.audio.match import CONFIDENT, REVIEW_THRESHOLD, rank, score
from spotdesk.model import MatchCandidate
from tests.audio_match.conftest import make_candidate, make_track

STUDIO = make_candidate("studio00001", "Blinding Lights", album="After Hours")


def by_id(ranked: list[MatchCandidate]) -> list[str | None]:
    return [candidate.video_id for candidate in ranked]


def test_studio_song_is_confident() -> None:
    scored = score(make_track(), STUDIO)
    assert scored.confidence >= CONFIDENT
    assert "title matches" in scored.reasons
    assert "artist matches" in scored.reasons
    assert "duration matches" in scored.reasons
    assert "album matches" in scored.reasons
    assert "official song" in scored.reasons


def test_score_leaves_input_unchanged() -> None:
    candidate = make_candidate("abc", "Blinding Lights")
    score(make_track(), candidate)
    assert candidate.confidence == 0.0
    assert candidate.reasons == []


def test_hour_long_loop_by_title() -> None:
    loop = make_candidate(
        "loop0000001",
        "The Weeknd - Blinding Lights (1 Hour Loop)",
        result_type="video",
        artists=[],
        channel="Loop Channel",
        duration_s=3600.0,
    )
    ranked = rank(make_track(), [loop, STUDIO])
    assert by_id(ranked) == ["loop0000001", "studio00001"][::-1]
    assert ranked[1].confidence < REVIEW_THRESHOLD
    assert "unrequested hour-long loop" in ranked[1].reasons


def test_hour_long_loop_by_duration() -> None:
    loop = make_candidate("loop0000002", "Blinding Lights", duration_s=2 * 3600.0)
    scored = score(make_track(), loop)
    assert scored.confidence < REVIEW_THRESHOLD
    assert "unrequested hour-long loop" in scored.reasons


def test_chinese_hour_marker_is_loop() -> None:
    loop = make_candidate("loop0000003", "Blinding Lights 一小时循环", duration_s=3600.0)
    assert "unrequested hour-long loop" in score(make_track(), loop).reasons


def test_live_version_penalised() -> None:
    live = make_candidate("live0000001", "Blinding Lights (Live at the Grammys)", duration_s=215.0)
    ranked = rank(make_track(), [live, STUDIO])
    assert by_id(ranked)[0] == "studio00001"
    assert "unrequested live version" in ranked[1].reasons
    assert ranked[1].confidence < REVIEW_THRESHOLD


def test_live_version_requested() -> None:
    track = make_track(title="Blinding Lights - Live", duration_ms=215_000)
    live = make_candidate("live0000001", "Blinding Lights (Live)", duration_s=215.0)
    studio = make_candidate("studio00001", "Blinding Lights", duration_s=200.0)
    ranked = rank(track, [studio, live])
    assert by_id(ranked)[0] == "live0000001"
    assert not any(reason.startswith("unrequested") for reason in ranked[0].reasons)


def test_karaoke_version_penalised() -> None:
    karaoke = make_candidate(
        "karaoke0001",
        "Blinding Lights (Karaoke Version)",
        artists=["Sing King"],
    )
    scored = score(make_track(), karaoke)
    assert scored.confidence < REVIEW_THRESHOLD
    assert "unrequested karaoke" in scored.reasons


def test_japanese_karaoke_marker() -> None:
    karaoke = make_candidate("karaoke0002", "Blinding Lights (カラオケ)")
    assert "unrequested karaoke" in score(make_track(), karaoke).reasons


def test_cover_penalised() -> None:
    cover = make_candidate(
        "cover000001",
        "Blinding Lights - The Weeknd (Cover by Jane Doe)",
        result_type="video",
        artists=[],
        channel="Jane Doe",
        duration_s=198.0,
    )
    ranked = rank(make_track(), [cover, STUDIO])
    assert by_id(ranked)[0] == "studio00001"
    assert "unrequested cover" in ranked[1].reasons
    assert ranked[1].confidence < REVIEW_THRESHOLD


def test_other_versions_penalised() -> None:
    cases = {
        "Blinding Lights (Instrumental)": "unrequested instrumental",
        "Blinding Lights (Remix)": "unrequested remix",
        "Blinding Lights (Sped Up)": "unrequested sped up",
        "Blinding Lights (Slowed + Reverb)": "unrequested slowed",
        "Blinding Lights (Nightcore)": "unrequested nightcore",
        "Blinding Lights (8D Audio)": "unrequested 8D audio",
    }
    for title, reason in cases.items():
        scored = score(make_track(), make_candidate("x", title))
        assert reason in scored.reasons, title
        assert scored.confidence < REVIEW_THRESHOLD, title


def test_remix_requested_by_title() -> None:
    track = make_track(title="Blinding Lights - Chromatics Remix", duration_ms=300_000)
    remix = make_candidate("remix000001", "Blinding Lights (Chromatics Remix)", duration_s=300.0)
    scored = score(track, remix)
    assert "unrequested remix" not in scored.reasons
    assert scored.confidence >= CONFIDENT


def test_music_video_with_intro_loses_to_song() -> None:
    video = make_candidate(
        "video000001",
        "The Weeknd - Blinding Lights (Official Video)",
        result_type="official_video",
        artists=[],
        channel="TheWeekndVEVO",
        duration_s=262.0,
    )
    ranked = rank(make_track(), [video, STUDIO])
    assert by_id(ranked) == ["studio00001", "video000001"]
    assert "music video" in ranked[1].reasons
    assert "duration far off" in ranked[1].reasons


def test_music_video_with_intro_needs_review() -> None:
    video = make_candidate(
        "video000001",
        "The Weeknd - Blinding Lights (Official Video)",
        result_type="official_video",
        artists=[],
        channel="TheWeekndVEVO",
        duration_s=262.0,
    )
    scored = score(make_track(), video)
    assert "title matches" in scored.reasons
    assert "artist matches" in scored.reasons
    assert scored.confidence < REVIEW_THRESHOLD


def test_music_video_with_short_intro_accepted() -> None:
    video = make_candidate(
        "video000002",
        "The Weeknd - Blinding Lights (Official Audio)",
        result_type="video",
        artists=[],
        channel="The Weeknd - Topic",
        duration_s=206.0,
    )
    scored = score(make_track(), video)
    assert scored.confidence >= REVIEW_THRESHOLD
    assert "duration close" in scored.reasons


def test_explicit_track_prefers_explicit() -> None:
    track = make_track(explicit=True)
    explicit = make_candidate("explicit001", "Blinding Lights", explicit=True)
    clean = make_candidate("clean000001", "Blinding Lights", explicit=False)
    ranked = rank(track, [clean, explicit])
    assert by_id(ranked) == ["explicit001", "clean000001"]
    assert "clean version" in ranked[1].reasons


def test_clean_track_prefers_clean() -> None:
    track = make_track(explicit=False)
    explicit = make_candidate("explicit001", "Blinding Lights", explicit=True)
    clean = make_candidate("clean000001", "Blinding Lights", explicit=False)
    ranked = rank(track, [explicit, clean])
    assert by_id(ranked) == ["clean000001", "explicit001"]
    assert "explicit version" in ranked[1].reasons


def test_unknown_explicit_flag_is_neutral() -> None:
    track = make_track(explicit=None)
    scored = score(track, make_candidate("x", "Blinding Lights", explicit=True))
    assert "explicit version" not in scored.reasons
    assert "clean version" not in scored.reasons


def test_title_in_other_script_with_isrc() -> None:
    track = make_track(
        title="夜に駆ける",
        artists=["YOASOBI"],
        album="夜に駆ける",
        duration_ms=261_000,
        isrc="JPP301900433",
    )
    romanised = make_candidate(
        "yoru0000001",
        "Yoru ni Kakeru",
        artists=["YOASOBI"],
        album="Yoru ni Kakeru",
        duration_s=261.0,
        found_by_isrc=True,
    )
    cover = make_candidate(
        "cover000002", "夜に駆ける (Cover)", artists=["Someone Else"], duration_s=265.0
    )
    ranked = rank(track, [cover, romanised])
    assert by_id(ranked)[0] == "yoru0000001"
    assert ranked[0].confidence >= CONFIDENT
    assert "title in another script" in ranked[0].reasons
    assert "found by ISRC" in ranked[0].reasons


def test_artist_in_other_script_with_isrc() -> None:
    track = make_track(
        title="Lemon", artists=["米津玄師"], album="Lemon", duration_ms=255_000, isrc="JPU901800011"
    )
    candidate = make_candidate(
        "lemon000001", "Lemon", artists=["Kenshi Yonezu"], duration_s=256.0, found_by_isrc=True
    )
    scored = score(track, candidate)
    assert scored.confidence >= CONFIDENT
    assert "artist in another script" in scored.reasons


def test_other_script_without_isrc_is_weaker() -> None:
    track = make_track(title="夜に駆ける", artists=["YOASOBI"], duration_ms=261_000)
    plain = make_candidate("yoru0000001", "Yoru ni Kakeru", artists=["YOASOBI"], duration_s=261.0)
    with_isrc = make_candidate(
        "yoru0000001", "Yoru ni Kakeru", artists=["YOASOBI"], duration_s=261.0, found_by_isrc=True
    )
    assert score(track, plain).confidence < score(track, with_isrc).confidence
    assert "found by ISRC" not in score(track, plain).reasons


def test_isrc_hit_with_wrong_duration_not_trusted() -> None:
    track = make_track(title="夜に駆ける", artists=["YOASOBI"], duration_ms=261_000)
    candidate = make_candidate(
        "yoru0000002", "Yoru ni Kakeru", artists=["YOASOBI"], duration_s=300.0, found_by_isrc=True
    )
    scored = score(track, candidate)
    assert "found by ISRC" not in scored.reasons
    assert scored.confidence < CONFIDENT


def test_featured_artists_any_order() -> None:
    track = make_track(
        title="Stay", artists=["The Kid LAROI", "Justin Bieber"], album="Stay", duration_ms=141_000
    )
    candidate = make_candidate(
        "stay0000001", "Stay", artists=["Justin Bieber & The Kid LAROI"], duration_s=141.0
    )
    scored = score(track, candidate)
    assert "artist matches" in scored.reasons
    assert scored.confidence >= CONFIDENT


def test_featured_artist_in_candidate_title() -> None:
    track = make_track(
        title="Stay (feat. Justin Bieber)",
        artists=["The Kid LAROI", "Justin Bieber"],
        duration_ms=141_000,
    )
    candidate = make_candidate(
        "stay0000002", "Stay ft. Justin Bieber", artists=["The Kid LAROI"], duration_s=141.0
    )
    scored = score(track, candidate)
    assert "title matches" in scored.reasons
    assert "artist matches" in scored.reasons
    assert scored.confidence >= CONFIDENT


def test_cjk_artist_separators() -> None:
    for credit in ("杨瑞代和周杰伦", "杨瑞代、周杰伦", "杨瑞代 with 周杰伦", "杨瑞代 feat. 周杰伦"):
        track = make_track(
            title="告白气球", artists=["周杰伦", "杨瑞代"], album=None, duration_ms=215_000
        )
        candidate = make_candidate("cjk", "告白气球", artists=[credit], duration_s=215.0)
        scored = score(track, candidate)
        assert "artist matches" in scored.reasons, credit
        assert scored.confidence >= CONFIDENT, credit


def test_main_artist_missing_scores_lower() -> None:
    track = make_track(
        title="Stay", artists=["The Kid LAROI", "Justin Bieber"], duration_ms=141_000
    )
    both = make_candidate("a", "Stay", artists=["The Kid LAROI", "Justin Bieber"], duration_s=141.0)
    featured_only = make_candidate("b", "Stay", artists=["Justin Bieber"], duration_s=141.0)
    assert score(track, featured_only).confidence < score(track, both).confidence
    assert "main artist missing" in score(track, featured_only).reasons


def test_wrong_artist_needs_review() -> None:
    candidate = make_candidate("other000001", "Blinding Lights", artists=["Someone Else"])
    scored = score(make_track(), candidate)
    assert "artist differs" in scored.reasons
    assert scored.confidence < CONFIDENT


def test_short_artist_name_needs_whole_word() -> None:
    track = make_track(title="Yesterday", artists=["Ye"], album=None, duration_ms=125_000)
    candidate = make_candidate(
        "yesterday01", "Yesterday", artists=["The Beatles"], duration_s=125.0
    )
    assert "artist differs" in score(track, candidate).reasons


def test_full_width_title_matches() -> None:
    track = make_track(title="ＬＯＶＥ　ＳＯＮＧ", artists=["Ａｒｔｉｓｔ"], album=None)
    candidate = make_candidate("fullwidth01", "Love Song", artists=["Artist"])
    scored = score(track, candidate)
    assert "title matches" in scored.reasons
    assert "artist matches" in scored.reasons


def test_accents_ignored() -> None:
    track = make_track(title="Café Señorita", artists=["Beyoncé"], album=None)
    candidate = make_candidate("accent00001", "Cafe Senorita", artists=["Beyonce"])
    scored = score(track, candidate)
    assert "title matches" in scored.reasons
    assert "artist matches" in scored.reasons


def test_kana_voicing_marks_kept() -> None:
    track = make_track(title="がらす", artists=["Artist"], album=None)
    candidate = make_candidate("kana0000001", "からす", artists=["Artist"])
    assert "title matches" not in score(track, candidate).reasons


def test_different_title_needs_review() -> None:
    candidate = make_candidate("other000002", "Save Your Tears")
    scored = score(make_track(), candidate)
    assert "title differs" in scored.reasons
    assert scored.confidence < REVIEW_THRESHOLD


def test_confidence_within_bounds() -> None:
    candidates = [
        STUDIO,
        make_candidate("a", "", artists=[], duration_s=None, result_type=None),
        make_candidate("b", "x" * 500, duration_s=0.0, result_type="episode"),
    ]
    for scored in rank(make_track(), candidates):
        assert 0.0 <= scored.confidence <= 1.0


def test_rank_drops_duplicate_urls() -> None:
    ranked = rank(make_track(), [STUDIO, STUDIO])
    assert len(ranked) == 1


def test_rank_keeps_every_candidate() -> None:
    candidates = [make_candidate(f"id{index}", f"Song {index}") for index in range(7)]
    assert len(rank(make_track(), candidates)) == 7


def test_isrc_hit_with_translated_title() -> None:
    track = make_track(title="夜に駆ける", artists=["YOASOBI"], album=None, duration_ms=261_000)
    candidate = make_candidate(
        "yoru0000003",
        "Racing into the Night",
        artists=["YOASOBI"],
        duration_s=260.0,
        found_by_isrc=True,
    )
    scored = score(track, candidate)
    assert "found by ISRC" in scored.reasons
    assert scored.confidence >= CONFIDENT


def test_remaster_note_ignored() -> None:
    track = make_track(title="Here Comes the Sun - Remastered 2009", artists=["The Beatles"])
    candidate = make_candidate("sun00000001", "Here Comes the Sun", artists=["The Beatles"])
    assert "title matches" in score(track, candidate).reasons


def test_soundtrack_note_ignored() -> None:
    track = make_track(
        title='Let It Go - From "Frozen"/Soundtrack Version', artists=["Idina Menzel"]
    )
    candidate = make_candidate("letitgo0001", "Let It Go", artists=["Idina Menzel"])
    assert "title matches" in score(track, candidate).reasons


def test_bracketed_soundtrack_note_ignored() -> None:
    track = make_track(title='Shallow (From "A Star Is Born")', artists=["Lady Gaga"])
    candidate = make_candidate("shallow0001", "Shallow", artists=["Lady Gaga"])
    assert "title matches" in score(track, candidate).reasons


def test_more_versions_penalised() -> None:
    cases = {
        "Blinding Lights (Acoustic)": "unrequested acoustic version",
        "Blinding Lights (Extended Mix)": "unrequested extended version",
        "Producer Reacts to Blinding Lights": "unrequested reaction video",
        "Blinding Lights Guitar Tutorial": "unrequested tutorial",
        "How to Play Blinding Lights": "unrequested tutorial",
    }
    for title, reason in cases.items():
        scored = score(make_track(), make_candidate("x", title))
        assert reason in scored.reasons, title
        assert scored.confidence < REVIEW_THRESHOLD, title


def test_live_album_requests_live() -> None:
    track = make_track(title="Blinding Lights", album="Live at SoFi Stadium", duration_ms=215_000)
    live = make_candidate("live0000002", "Blinding Lights (Live)", duration_s=215.0)
    assert "unrequested live version" not in score(track, live).reasons


def test_track_without_duration() -> None:
    scored = score(make_track(duration_ms=None), STUDIO)
    assert "duration unknown" in scored.reasons
    assert scored.confidence >= REVIEW_THRESHOLD


def test_track_without_artists() -> None:
    scored = score(make_track(artists=[]), STUDIO)
    assert "title matches" in scored.reasons
    assert 0.0 <= scored.confidence <= 1.0


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(max_size=60),
    candidate_title=st.text(max_size=80),
    artists=st.lists(st.text(max_size=20), max_size=3),
    credits=st.lists(st.text(max_size=30), max_size=3),
    channel=st.none() | st.text(max_size=30),
    track_ms=st.none() | st.integers(min_value=0, max_value=10 * 3600 * 1000),
    candidate_s=st.none() | st.floats(min_value=0, max_value=36_000, allow_nan=False),
    result_type=st.sampled_from([None, "song", "video", "official_video", "episode", "other"]),
    found_by_isrc=st.booleans(),
)
def test_confidence_always_bounded(
    title: str,
    candidate_title: str,
    artists: list[str],
    credits: list[str],
    channel: str | None,
    track_ms: int | None,
    candidate_s: float | None,
    result_type: str | None,
    found_by_isrc: bool,
) -> None:
    track = make_track(title=title, artists=artists, duration_ms=track_ms)
    candidate = make_candidate(
        "any",
        candidate_title,
        artists=credits,
        channel=channel,
        duration_s=candidate_s,
        result_type=result_type,
        found_by_isrc=found_by_isrc,
    )
    scored = score(track, candidate)
    assert 0.0 <= scored.confidence <= 1.0
    assert all(isinstance(reason, str) and reason for reason in scored.reasons)


def test_unrelated_isrc_result_not_trusted() -> None:
    candidate = make_candidate(
        "junk0000001", "Completely Other Song", artists=["Other Band"], found_by_isrc=True
    )
    scored = score(make_track(), candidate)
    assert "found by ISRC" not in scored.reasons
    assert scored.confidence < REVIEW_THRESHOLD


def test_vevo_channel_names_artist() -> None:
    video = make_candidate(
        "video000003",
        "Blinding Lights (Official Video)",
        result_type="official_video",
        artists=[],
        channel="TheWeekndVEVO",
        duration_s=201.0,
    )
    assert "artist matches" in score(make_track(), video).reasons


def test_topic_channel_names_artist() -> None:
    upload = make_candidate(
        "topic000001", "Blinding Lights", artists=[], channel="The Weeknd - Topic"
    )
    assert "artist matches" in score(make_track(), upload).reasons


def test_requested_live_missing() -> None:
    track = make_track(title="Some Long Song Title - Live", duration_ms=240_000)
    studio = make_candidate("studio00002", "Some Long Song Title", duration_s=239.0)
    live = make_candidate("live0000003", "Some Long Song Title (Live)", duration_s=240.0)
    ranked = rank(track, [studio, live])
    assert by_id(ranked) == ["live0000003", "studio00002"]
    assert "missing live version" in ranked[1].reasons
    assert ranked[1].confidence < CONFIDENT


def test_requested_remix_missing() -> None:
    track = make_track(title="Blinding Lights - Major Lazer Remix", duration_ms=200_000)
    original = make_candidate("original001", "Blinding Lights", duration_s=200.0)
    scored = score(track, original)
    assert "missing remix" in scored.reasons
    assert scored.confidence < REVIEW_THRESHOLD


def test_artist_prefix_needs_whole_word() -> None:
    track = make_track(title="Yesterday Again", artists=["Ye"], album=None, duration_ms=125_000)
    candidate = make_candidate(
        "prefix00001", "Yesterday Again - Ye", artists=[], channel="Ye", duration_s=125.0
    )
    scored = score(track, candidate)
    assert "title matches" in scored.reasons
    assert "artist matches" in scored.reasons
