"""`python -m spotdesk.worker`: one download worker process (see `spotdesk.workers`)."""
