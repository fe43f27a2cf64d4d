"""A mail task ends within TASKS_TIME_LIMIT, however slowly the SMTP server
answers: EMAIL_TIMEOUT bounds one step, this bounds them all."""

import signal
import socket
import threading
import time

import pytest
from django.core.mail import EmailMessage

from comments import tasks

TRICKLE_FOR = 15  # seconds a trickling server keeps going before it hangs up


def trickling_smtp():
    """Accepts one connection and starts a greeting it never finishes: a byte
    every 0.2 s (each under EMAIL_TIMEOUT), for TRICKLE_FOR seconds."""
    server = socket.create_server(("127.0.0.1", 0))

    def serve():
        connection, _ = server.accept()
        with connection:
            connection.sendall(b"220")
            stop = time.monotonic() + TRICKLE_FOR
            while time.monotonic() < stop:
                try:
                    connection.sendall(b" ")
                except OSError:
                    return  # the client gave up: what should happen
                time.sleep(0.2)

    threading.Thread(target=serve, daemon=True).start()
    return server


def test_a_mail_to_a_trickling_server_is_stopped_and_tried_again(settings, caplog):
    server = trickling_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.getsockname()
    settings.EMAIL_TIMEOUT = 1
    settings.TASKS_TIME_LIMIT = 1
    message = EmailMessage("Betreff", "Text", "blog@example.org", ["leserin@example.org"])
    try:
        # smtplib turns the interruption into SMTPServerDisconnected, keeping its words.
        with pytest.raises(OSError, match="still running after 1"):
            tasks.send_or_retry(tasks.deliver, message, ("reply", 1, None), attempt=99)
    finally:
        server.close()
    assert "Giving up on mail" in caplog.text  # attempt 99 was the last one


def test_the_limit_leaves_no_timer_behind(settings):
    with tasks.time_limit(5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_outside_the_main_thread_the_block_runs_unbounded():
    outcome = []

    def run():
        with tasks.time_limit(0.1):
            time.sleep(0.3)
        outcome.append("finished")

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert outcome == ["finished"]
