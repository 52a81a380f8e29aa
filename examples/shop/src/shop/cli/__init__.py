"""The ``shop`` command for operators: serve the web app, reports, exports."""
