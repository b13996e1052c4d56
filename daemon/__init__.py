"""The daemon's parts beside the job table (scheduler.py): recovery, heartbeat, run recording, and the
crawl queue with its workers (scheduler.dispatch = "queue")."""
