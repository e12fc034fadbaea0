"""Training runs in the app: worker threads, the server-wide slots, a tab's session (app layer, not engine)."""
