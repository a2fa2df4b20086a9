#!/usr/bin/env python3
"""A local SMTP sink for the tests (Debian python3-aiosmtpd), and a reader of what it received.

    smtp_sink.py serve DIR     listens on 127.0.0.1 on a free port, prints "PORT PID" then
                               "ready", and writes every message it accepts as DIR/NNNN.eml (the
                               DATA as received) with DIR/NNNN.json (the envelope); a recipient
                               whose address starts with "refuse@" is refused (550). Stops on
                               SIGTERM.
    smtp_sink.py read DIR      prints the messages of DIR as JSON: [{"from", "to", "subject",
                               "to_header", "text", "attachments": [{"name", "type", "text"}]}]
                               with the headers decoded (RFC 2047) and the parts decoded (base64).
"""
import email
import email.policy
import json
import os
import signal
import socket
import sys


def serve(folder):
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self):
            self.count = 0

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower().startswith("refuse@"):
                return "550 5.1.1 unknown mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.count += 1
            base = os.path.join(folder, "%04d" % self.count)
            with open(base + ".json", "w", encoding="utf-8") as f:
                json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
            with open(base + ".eml.tmp", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            os.rename(base + ".eml.tmp", base + ".eml")
            return "250 2.0.0 accepted"

    os.makedirs(folder, exist_ok=True)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()

    def stop(*_):
        controller.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("%d %d" % (port, os.getpid()), flush=True)
    print("ready", flush=True)
    while True:
        signal.pause()


def read(folder):
    out = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".eml"):
            continue
        base = os.path.join(folder, name[:-4])
        with open(base + ".json", encoding="utf-8") as f:
            envelope = json.load(f)
        with open(base + ".eml", "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        item = {"from": envelope["from"], "to": envelope["to"],
                "subject": str(message["Subject"]), "to_header": str(message["To"]),
                "text": "", "attachments": []}
        for part in message.walk():
            if part.is_multipart():
                continue
            if part.get_content_disposition() == "attachment":
                item["attachments"].append({"name": part.get_filename(),
                                            "type": part.get_content_type(),
                                            "text": part.get_content()})
            elif part.get_content_type() == "text/plain":
                item["text"] = part.get_content()
        out.append(item)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("serve", "read"):
        sys.exit(__doc__)
    (serve if sys.argv[1] == "serve" else read)(sys.argv[2])
