"""`POST /api/v1/downloads` on both stores: idempotence, link and option checks, limits."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import RunningApi
from tests.api.helpers import ALBUM_LINK, TRACK_LINKS

DOWNLOADS = "/api/v1/downloads"


def submit(api: RunningApi, links: list[str], **extra: object) -> dict:
    response = api.client.post(DOWNLOADS, json={"links": links, **extra})
    assert response.status_code == 202, response.text
    return response.json()


def task_count(api: RunningApi) -> int:
    return len(api.client.get(DOWNLOADS).json()["tasks"])


def test_submit_creates_tasks(api: RunningApi) -> None:
    body = submit(api, [TRACK_LINKS[0], ALBUM_LINK])

    assert [task["link"] for task in body["tasks"]] == [TRACK_LINKS[0], ALBUM_LINK]
    assert all(task["created"] for task in body["tasks"])
    assert len({task["id"] for task in body["tasks"]}) == 2


def test_resubmit_returns_existing_task(api: RunningApi) -> None:
    first = submit(api, [TRACK_LINKS[0]])["tasks"][0]
    second = submit(api, [TRACK_LINKS[0]])["tasks"][0]

    assert second["id"] == first["id"]
    assert second["created"] is False
    assert task_count(api) == 1


def test_other_options_make_new_task(api: RunningApi) -> None:
    first = submit(api, [TRACK_LINKS[0]])["tasks"][0]
    second = submit(api, [TRACK_LINKS[0]], options={"format": "flac"})["tasks"][0]

    assert second["created"] is True
    assert second["id"] != first["id"]


def test_uri_and_url_are_one_task(api: RunningApi) -> None:
    track_id = TRACK_LINKS[0].rsplit("/", 1)[1]
    body = submit(api, [TRACK_LINKS[0], f"spotify:track:{track_id}"])

    assert len(body["tasks"]) == 1


def test_invalid_links_listed_per_entry(api: RunningApi) -> None:
    response = api.client.post(
        DOWNLOADS,
        json={"links": [TRACK_LINKS[0], "https://example.com/song", "spotify:track:short"]},
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "links.invalid"
    locations = [problem["location"] for problem in error["problems"]]
    assert locations == ["links[1]", "links[2]"]
    assert all(problem["message"] for problem in error["problems"])
    assert task_count(api) == 0


def test_podcast_link_has_own_code(api: RunningApi) -> None:
    response = api.client.post(
        DOWNLOADS, json={"links": ["https://open.spotify.com/episode/4rOoJ6Egrf8K2IrywzwOMk"]}
    )

    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["code"] == "link.podcast_not_supported"


@pytest.mark.parametrize(
    "body",
    [
        {"links": []},
        {"links": ["   "]},
        {"links": "not a list"},
        {"links": [TRACK_LINKS[0]], "unknown": 1},
        {"links": [TRACK_LINKS[0]], "priority": 1000},
        {"links": [TRACK_LINKS[0]], "options": {"bitrate": 5000}},
        {"links": [TRACK_LINKS[0]], "options": {"format": "wma"}},
        {"links": [TRACK_LINKS[0]], "options": {"colour": "red"}},
        {"links": ["x" * 3000]},
        {},
    ],
)
def test_malformed_body_rejected(api: RunningApi, body: dict) -> None:
    response = api.client.post(DOWNLOADS, json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] in ("api.invalid_request", "links.invalid")
    assert task_count(api) == 0


def test_link_list_is_capped(api: RunningApi) -> None:
    links = [f"https://open.spotify.com/track/{index:022d}" for index in range(501)]
    response = api.client.post(DOWNLOADS, json={"links": links})

    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["location"] == "links"


def test_oversized_body_gets_413(api: RunningApi) -> None:
    response = api.client.post(
        DOWNLOADS,
        content=b'{"links": ["' + b"a" * (2 * 1024 * 1024) + b'"]}',
        headers={"Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "api.body_too_large"


def test_chunked_oversized_body_gets_413(api: RunningApi) -> None:
    def chunks():
        yield b'{"links": ["'
        for _ in range(40):
            yield b"a" * 65536
        yield b'"]}'

    response = api.client.post(
        DOWNLOADS, content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413


def test_relative_folder_lands_in_library(api: RunningApi) -> None:
    task = submit(api, [TRACK_LINKS[0]], options={"folder": "Jazz/Live"})["tasks"][0]

    detail = api.client.get(f"{DOWNLOADS}/{task['id']}").json()
    assert detail["options"]["folder"] == str(api.library.resolve() / "Jazz" / "Live")


def test_absolute_folder_inside_library_accepted(api: RunningApi) -> None:
    inside = api.library / "Rock"
    task = submit(api, [TRACK_LINKS[0]], options={"folder": str(inside)})["tasks"][0]

    detail = api.client.get(f"{DOWNLOADS}/{task['id']}").json()
    assert detail["options"]["folder"] == str(inside.resolve())


def test_default_options_use_library(api: RunningApi) -> None:
    task = submit(api, [TRACK_LINKS[0]])["tasks"][0]

    options = api.client.get(f"{DOWNLOADS}/{task['id']}").json()["options"]
    assert options["folder"] == str(api.library.resolve())
    assert options["format"] == "mp3"


def test_option_overrides_are_kept(api: RunningApi) -> None:
    options = {
        "format": "opus",
        "bitrate": 160,
        "template": "{album}/{track_number:02d} {title}.{ext}",
        "lyrics": True,
        "overwrite": "rename",
    }
    task = submit(api, [TRACK_LINKS[0]], options=options)["tasks"][0]

    stored = api.client.get(f"{DOWNLOADS}/{task['id']}").json()["options"]
    for name, value in options.items():
        assert stored[name] == value, name


@pytest.mark.parametrize(
    "folder",
    ["/etc", "../outside", "Jazz/../../outside", "~/Music", "/", "a\x00b", "C:\\Music"],
)
def test_folder_outside_library_rejected(api: RunningApi, folder: str) -> None:
    response = api.client.post(
        DOWNLOADS, json={"links": [TRACK_LINKS[0]], "options": {"folder": folder}}
    )

    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["location"] == "options.folder"
    assert task_count(api) == 0


def test_symlink_out_of_library_rejected(api: RunningApi, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (api.library / "escape").symlink_to(outside)

    response = api.client.post(
        DOWNLOADS, json={"links": [TRACK_LINKS[0]], "options": {"folder": "escape/x"}}
    )

    assert response.status_code == 422
    assert task_count(api) == 0


@pytest.mark.parametrize(
    "template",
    [
        "/tmp/{title}.{ext}",
        "../{title}.{ext}",
        "{album}/../../{title}.{ext}",
        "{album}../{title}.{ext}",
        "{track.__class__}.{ext}",
        "{title!r}.{ext}",
        "{0}.{ext}",
        "..\\{title}.{ext}",
        "~/{title}.{ext}",
        "{",
    ],
)
def test_escaping_template_rejected(api: RunningApi, template: str) -> None:
    response = api.client.post(
        DOWNLOADS, json={"links": [TRACK_LINKS[0]], "options": {"template": template}}
    )

    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["location"] == "options.template"
    assert task_count(api) == 0


def test_manual_pair_skips_search(api: RunningApi) -> None:
    pair = f"http://127.0.0.1:9/audio.m4a|{TRACK_LINKS[0]}"
    task = submit(api, [pair])["tasks"][0]

    detail = api.client.get(f"{DOWNLOADS}/{task['id']}").json()
    assert detail["kind"] == "track"
    assert detail["chosen_url"] == "http://127.0.0.1:9/audio.m4a"


def test_priority_orders_claims(api: RunningApi) -> None:
    low = submit(api, [TRACK_LINKS[0]])["tasks"][0]
    high = submit(api, [TRACK_LINKS[1]], priority=5)["tasks"][0]

    with api.store() as store:
        claimed = store.claim("test-worker", 60)
    assert claimed is not None
    assert claimed.id == high["id"]
    assert claimed.id != low["id"]


@pytest.mark.parametrize(
    "body",
    [
        {"links": [TRACK_LINKS[0]], "priority": False},
        {"links": [TRACK_LINKS[0]], "priority": "1"},
        {"links": [TRACK_LINKS[0]], "options": {"bitrate": "320"}},
        {"links": [TRACK_LINKS[0]], "options": {"lyrics": "yes"}},
        {"links": [123]},
    ],
)
def test_loose_types_rejected(api: RunningApi, body: dict) -> None:
    response = api.client.post(DOWNLOADS, json=body)

    assert response.status_code == 422
    assert task_count(api) == 0


def test_non_json_body_gets_400(api: RunningApi) -> None:
    response = api.client.post(
        DOWNLOADS, content=b"links=x", headers={"Content-Type": "application/json"}
    )

    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] in ("api.bad_request", "api.invalid_request")


def test_concurrent_resubmission_makes_one_task(api: RunningApi) -> None:
    def post() -> dict:
        with httpx.Client(base_url=api.base_url, headers=api.client.headers) as client:
            response = client.post(DOWNLOADS, json={"links": [ALBUM_LINK]})
        assert response.status_code == 202, response.text
        return response.json()["tasks"][0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: post(), range(6)))

    assert len({task["id"] for task in results}) == 1
    assert sum(task["created"] for task in results) == 1
    assert task_count(api) == 1
