"""Download workers and their supervision.

- `worker`: the claim loop that `python -m spotdesk.worker` runs in each worker process.
- `lease`: the heartbeat thread and the checks that stop a task whose lease is lost.
- `runner`: runs one claimed task with the Spotify resolver or the pipeline.
- `playlists`: a resolve task's child tasks and its `.m3u8` file.
- `protocol`: the JSON-lines status events a worker writes on stdout.
- `manager`: `WorkerManager`, which starts and watches worker processes (QtCore only).
- `foreground`: `run_until_done`, which runs workers until given tasks finish.
"""
