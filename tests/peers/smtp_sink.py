"""An SMTP sink for Pactum's tests and benchmarks (aiosmtpd, loopback only).

Prints one JSON line when ready ({"port": N}), then one JSON line per
message accepted: envelope, decoded headers, subject, the text and HTML
parts, and the raw message. A message is printed just before the server
answers 250, as a real MTA commits before it answers.

Faults, for the retry tests:
  --fail-first N      answer the first N DATA commands with --fail-code (451)
  --reject PREFIX     answer RCPT TO for addresses starting with PREFIX with 550
  --delay-ms D        wait D ms before accepting each message
TLS, with a certificate for 127.0.0.1 from a fresh test CA (PyPI trustme):
  --tls MODE          starttls (required before MAIL) or implicit (TLS from
                      the first byte); the CA's PEM goes to --ca-out
  --ca-out FILE       where to write the CA certificate the client must trust
Each message's line then says "tls": true when it came over TLS.
For the benchmark:
  --count-only        print only the envelope and size of each message (no
                      MIME parsing), so the sink is not what is measured
It exits when its stdin closes, so it never outlives the test that runs it.
"""

import argparse
import asyncio
import email
import json
import os
import ssl
import sys
import threading
from email import policy

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, args):
        self.args = args
        self.data_seen = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if any(address.startswith(p) for p in self.args.reject):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_seen += 1
        if self.data_seen <= self.args.fail_first:
            return f"{self.args.fail_code} 4.3.0 Try again later"
        if self.args.delay_ms:
            await asyncio.sleep(self.args.delay_ms / 1000)
        raw = envelope.original_content or envelope.content
        if self.args.count_only:
            sys.stdout.write(json.dumps({"rcpt_tos": envelope.rcpt_tos, "bytes": len(raw)}) + "\n")
            sys.stdout.flush()
            return "250 2.0.0 OK: queued"
        msg = email.message_from_bytes(raw, policy=policy.default)
        text = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        record = {
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": {k.lower(): str(v) for k, v in msg.items()},
            "subject": str(msg["subject"]),
            "content_type": msg.get_content_type(),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "raw": raw.decode("utf-8", "replace"),
        }
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()
        return "250 2.0.0 OK: queued"


def exit_when_stdin_closes():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--fail-code", type=int, default=451)
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--count-only", action="store_true")
    parser.add_argument("--tls", choices=["starttls", "implicit"])
    parser.add_argument("--ca-out")
    args = parser.parse_args()
    handler = Handler(args)
    context = None
    if args.tls:
        import trustme

        ca = trustme.CA()
        ca.cert_pem.write_to_path(args.ca_out)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    starttls = args.tls == "starttls"
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            handler,
            hostname="sink.test",
            data_size_limit=0,
            tls_context=context if starttls else None,
            require_starttls=starttls,
        ),
        "127.0.0.1",
        args.port,
        ssl=context if args.tls == "implicit" else None,
    )
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(json.dumps({"port": port}) + "\n")
    sys.stdout.flush()
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
