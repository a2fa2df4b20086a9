#!/usr/bin/env python3
"""Clients for bench/transport: slow clients, new-client probes, idle keep-alive connections.

  clients.py slow  PORT COUNT SECONDS   keep COUNT clients trickling a request header (1 byte every
                                        2 s, reconnecting when the server closes them) for SECONDS
  clients.py probe PORT COUNT           COUNT new connections, one GET /healthz each, in turn:
                                        prints the answered count and the worst time to answer
  clients.py idle  PORT COUNT PID       COUNT keep-alive connections, each answered once then held;
                                        prints the server's RSS before and after, and probes
Output: one line of JSON.
"""
import asyncio
import json
import resource
import sys
import time

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def read_answer(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    if length:
        await reader.readexactly(length)
    return status


async def slow(port, count, seconds):
    stats = {"connects": 0, "closed_by_server": 0, "answered": 0}
    end = time.monotonic() + seconds
    header = b"GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Slow: " + b"a" * 200

    async def one():
        while time.monotonic() < end:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.5)
                continue
            stats["connects"] += 1
            try:
                for i in range(len(header)):
                    if time.monotonic() >= end:
                        break
                    writer.write(header[i:i + 1])
                    await writer.drain()
                    try:
                        data = await asyncio.wait_for(reader.read(1024), 2.0)
                        if not data:
                            stats["closed_by_server"] += 1
                            break
                        stats["answered"] += 1
                        break
                    except asyncio.TimeoutError:
                        pass
            except OSError:
                stats["closed_by_server"] += 1
            finally:
                writer.close()

    await asyncio.gather(*(one() for _ in range(count)))
    return stats


async def probe(port, count):
    worst = 0.0
    answered = 0
    times = []
    for _ in range(count):
        start = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            writer.write(REQUEST)
            status = await asyncio.wait_for(read_answer(reader), 5)
            writer.close()
            if status == 200:
                answered += 1
                times.append((time.monotonic() - start) * 1000)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
            pass
        await asyncio.sleep(0.1)
    times.sort()
    return {"probes": count, "answered": answered,
            "worst_ms": round(times[-1], 2) if times else None,
            "median_ms": round(times[len(times) // 2], 2) if times else None}


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def idle(port, count, pid):
    before = rss_kib(pid)
    held = []
    answered = 0
    refused = 0
    sem = asyncio.Semaphore(500)  # connects in flight at once

    async def one():
        nonlocal answered, refused
        async with sem:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", port), 10)
                writer.write(REQUEST)
                status = await asyncio.wait_for(read_answer(reader), 10)
                if status == 200:
                    answered += 1
                    held.append((reader, writer))
                else:
                    refused += 1
                    writer.close()
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
                refused += 1

    start = time.monotonic()
    await asyncio.gather(*(one() for _ in range(count)))
    opened_s = time.monotonic() - start
    await asyncio.sleep(1.0)
    after = rss_kib(pid)
    new_clients = await probe(port, 10)
    # Still open? A connection the server closed reads EOF at once.
    still = 0
    for reader, writer in held:
        try:
            data = await asyncio.wait_for(reader.read(1), 0.001)
            if data:
                still += 1
        except asyncio.TimeoutError:
            still += 1
        except OSError:
            pass
    for _, writer in held:
        writer.close()
    return {"connections": count, "answered_and_held": answered, "failed": refused,
            "still_open_after_probe": still, "open_seconds": round(opened_s, 2),
            "rss_before_kib": before, "rss_after_kib": after,
            "rss_per_connection_bytes": round((after - before) * 1024 / max(answered, 1)),
            "new_clients": new_clients}


def main():
    raise_fd_limit()
    what = sys.argv[1]
    port = int(sys.argv[2])
    count = int(sys.argv[3])
    if what == "slow":
        out = asyncio.run(slow(port, count, float(sys.argv[4])))
    elif what == "probe":
        out = asyncio.run(probe(port, count))
    elif what == "idle":
        out = asyncio.run(idle(port, count, int(sys.argv[4])))
    else:
        sys.exit(__doc__)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
