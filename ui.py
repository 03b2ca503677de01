"""Start the web chat UI: ``python ui.py [--host 127.0.0.1] [--port 7860] [--auth user:password] [--no-auth]
[--api-key KEY] [--no-watch]``.

The same command as ``assistant serve``; see ``assistant/web/serve.py``.
"""

from assistant.web.serve import serve_command

if __name__ == "__main__":
    serve_command(prog_name="ui.py")
