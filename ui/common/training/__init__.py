"""Training runs in the app: training processes and their worker threads, the server-wide slots, a tab's
session (app layer, not engine)."""
