"""`spotdesk queue`: list and control tasks in the queue, for scripts and users without the GUI.

Task ids may be shortened to any unique prefix, as `list` prints them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import TYPE_CHECKING, Any

from spotdesk.cli.terminal import printable

if TYPE_CHECKING:
    from spotdesk.model import Task
    from spotdesk.service import Service
    from spotdesk.store.contract import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SHORT_ID = 8  # characters of a task id that `list` prints
ACTIONS = ("cancel", "pause", "resume", "retry", "remove")
# Actions that only read the store, so they never create a store file.
READ_ONLY_ACTIONS = ("list", "stats")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "queue",
        help="list and control tasks in the queue",
        description="List and control tasks in the queue.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store",
        metavar="URI",
        help="queue to use: sqlite:///PATH or mongodb://HOST/DB (default: settings)",
    )
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", parents=[common], help="list tasks in queue order")
    listing.add_argument(
        "--state",
        action="append",
        metavar="STATE",
        choices=["queued", "running", "paused", "done", "failed", "cancelled"],
        help="only tasks in this state (repeatable)",
    )
    listing.add_argument("--parent", metavar="ID", help="only the tracks of this collection")
    listing.add_argument(
        "--top", action="store_true", help="only submitted links, not their tracks"
    )
    listing.add_argument(
        "--review", action="store_true", help="only tracks that need a chosen match"
    )
    listing.add_argument(
        "--limit", type=int, metavar="N", help="print at most N tasks (default: all)"
    )

    for name, text in (
        ("cancel", "cancel tasks; running ones stop at their next progress write"),
        ("pause", "pause tasks; running ones stop at their next progress write"),
        ("resume", "return paused tasks to the queue"),
        (
            "retry",
            "re-queue failed or cancelled tasks with their attempts reset, and run queued "
            "tasks that wait for a retry delay now",
        ),
        ("remove", "delete tasks and their tracks from the queue"),
    ):
        action = actions.add_parser(name, parents=[common], help=text)
        action.add_argument("ids", nargs="*", metavar="ID", help="task ids or unique prefixes")
        if name in ("pause", "resume"):
            action.add_argument(
                "--all", action="store_true", help=f"{name} every task that allows it"
            )
        if name == "retry":
            action.add_argument(
                "--url", help="audio URL to download instead of searching (one track)"
            )

    actions.add_parser("clear", parents=[common], help="delete done and cancelled tasks")
    stats = actions.add_parser(
        "stats", parents=[common], help="show downloads and failures per day"
    )
    stats.add_argument(
        "--days", type=int, default=30, metavar="N", help="days to show (default: 30)"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    from spotdesk.config import load_settings
    from spotdesk.errors import SpotdeskError, UsageError
    from spotdesk.service import Service
    from spotdesk.store import open_store
    from spotdesk.store.contract import InvalidTransition, TaskNotFound

    if args.action == "list" and args.limit is not None and args.limit < 1:
        print("spotdesk queue list: --limit must be at least 1.", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "stats" and args.days < 1:
        print("spotdesk queue stats: --days must be at least 1.", file=sys.stderr)
        return EXIT_USAGE
    # A `--store` that names no file is most likely mistyped. The default store may not
    # exist yet on a new installation, where listing an empty queue is correct.
    create = args.action not in READ_ONLY_ACTIONS or not args.store
    try:
        with open_store(args.store, create=create) as store:
            service = Service(store, load_settings())
            return _dispatch(args, store, service)
    except (UsageError, TaskNotFound) as error:
        print(f"spotdesk queue: {printable(error.message)}", file=sys.stderr)
        return EXIT_USAGE
    except InvalidTransition as error:
        print(f"spotdesk queue: {printable(error.message)}", file=sys.stderr)
        return EXIT_FAILED
    except SpotdeskError as error:
        print(f"spotdesk queue: {printable(error.message)}", file=sys.stderr)
        return EXIT_FAILED


def _dispatch(args: argparse.Namespace, store: Store, service: Service) -> int:
    if args.action == "list":
        return _list(args, store)
    if args.action == "stats":
        return _stats(args, store)
    if args.action == "clear":
        count = service.clear_finished()
        _print(args, {"removed": count}, f"Removed {count} finished task(s).")
        return EXIT_OK

    if getattr(args, "all", False):
        affected = service.pause_all() if args.action == "pause" else service.resume_all()
    else:
        if not args.ids:
            print(f"spotdesk queue {args.action}: give at least one task id", file=sys.stderr)
            return EXIT_USAGE
        ids = [_resolve_id(store, text) for text in args.ids]
        if args.action == "retry" and args.url:
            if len(ids) != 1:
                print("spotdesk queue retry: --url needs exactly one task id", file=sys.stderr)
                return EXIT_USAGE
            affected = service.choose_match(ids[0], args.url)
        else:
            affected = getattr(service, args.action)(ids)
    _print(args, {"affected": affected}, f"{args.action}: {len(affected)} task(s) affected.")
    return EXIT_OK


def _list(args: argparse.Namespace, store: Store) -> int:
    from spotdesk.model import TaskState
    from spotdesk.store.contract import TaskFilter

    task_filter = TaskFilter(
        states=[TaskState(state) for state in args.state] if args.state else None,
        parent_id=_resolve_id(store, args.parent) if args.parent else None,
        top_level=args.top,
        needs_review=True if args.review else None,
    )
    tasks: list[Task] = []
    cursor: str | None = None
    while True:
        page = store.list_tasks(task_filter, limit=500, cursor=cursor)
        tasks.extend(page.tasks)
        cursor = page.next_cursor
        if cursor is None or (args.limit is not None and len(tasks) >= args.limit):
            break
    if args.limit is not None:
        tasks = tasks[: args.limit]

    if args.json:
        print(json.dumps([task.to_dict() for task in tasks], ensure_ascii=False, indent=2))
        return EXIT_OK
    for task in _grouped(tasks):
        print(printable(_format_line(task)))
    counts = store.counts()
    summary = ", ".join(f"{counts[name]} {name}" for name in counts if counts[name])
    print(f"{len(tasks)} tasks listed; tracks: {summary or 'none'}")
    return EXIT_OK


def _grouped(tasks: list[Task]) -> list[Task]:
    """Return `tasks` with each collection's tracks right after it, in queue order."""
    listed = {task.id for task in tasks}
    children: dict[str, list[Task]] = {}
    for task in tasks:
        if task.parent_id in listed:
            children.setdefault(task.parent_id, []).append(task)
    ordered: list[Task] = []
    for task in tasks:
        if task.parent_id not in listed:
            ordered.append(task)
            ordered.extend(children.get(task.id, []))
    return ordered


def _stats(args: argparse.Namespace, store: Store) -> int:
    days = store.stats(args.days)
    if args.json:
        print(json.dumps([dataclasses.asdict(day) for day in days]))
        return EXIT_OK
    if not days:
        print(f"No downloads or failures in the last {args.days} days.")
    for day in days:
        failures = ", ".join(f"{code} {count}" for code, count in sorted(day.failures.items()))
        size = day.bytes / 1_000_000
        print(
            f"{day.day}  {day.downloads} downloads, {size:.1f} MB  failures: {failures or 'none'}"
        )
    return EXIT_OK


def _format_line(task: Task) -> str:
    state = task.state.value
    if task.needs_review:
        state = "review"
    elif task.cancel_requested or task.pause_requested:
        state += "*"  # a cancel or pause request is pending
    indent = "  " if task.parent_id else ""
    progress = f"{task.progress * 100:3.0f}%" if task.state.value == "running" else "    "
    name = task.title or task.link
    line = f"{task.id[:SHORT_ID]}  {state:<10} {task.kind.value:<7} {progress} {indent}{name}"
    if task.error_message and task.state.value != "done":
        line += f"  [{task.error_code}: {task.error_message}]"
    return line


def _resolve_id(store: Store, text: str) -> str:
    """Return the full id that `text` names: the id itself or a unique prefix."""
    from spotdesk.errors import UsageError
    from spotdesk.store.contract import TaskNotFound

    try:
        return store.get(text).id
    except TaskNotFound:
        pass
    matches: list[str] = []
    cursor: str | None = None
    while True:
        page = store.list_tasks(limit=500, cursor=cursor)
        matches.extend(task.id for task in page.tasks if task.id.startswith(text))
        cursor = page.next_cursor
        if cursor is None:
            break
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise TaskNotFound(
            f"No task id starts with {text!r}; run 'spotdesk queue list' to see them."
        )
    raise UsageError(f"The prefix {text!r} matches {len(matches)} tasks; give more characters.")


def _print(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data) if args.json else text)
