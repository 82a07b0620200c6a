from spotdesk.logs import log_file_name


def test_app_logs_to_spotdesk_log() -> None:
    assert log_file_name("gui") == "spotdesk.log"


def test_command_logs_to_its_own_file() -> None:
    assert log_file_name("download") == "spotdesk-download.log"


def test_worker_id_is_made_safe() -> None:
    assert log_file_name("worker-host/1:a") == "spotdesk-worker-host_1_a.log"
    assert log_file_name("../..") == "spotdesk-spotdesk.log"


def test_terminal_formatter_escapes_controls() -> None:
    import logging

    from spotdesk.logs import TerminalFormatter

    record = logging.LogRecord("x", logging.WARNING, "f", 1, "bad\x1b[31mname\u202e", None, None)
    record.exc_text = "Traceback\n  line"

    text = TerminalFormatter("%(message)s").format(record)

    assert text.splitlines()[0] == "bad\\x1b[31mname\\u202e"
    assert text.splitlines()[1:] == ["Traceback", "  line"]
