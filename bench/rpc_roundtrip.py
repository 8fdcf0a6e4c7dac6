"""Scenario 1 of the benchmark harness: the cost of the bus.

Sequential round trips of an empty call: a service as the project's run (`rpc_method`
entrypoint, `Config().nameko_config()`) called through the gateway's client
(`portal_shared.rpc_client.RpcPool`: one kept AMQP connection per slot) versus a raw AMQP round trip with pika
and RabbitMQ's direct reply-to, on the same broker. Prints calls/s, p50/p95 and the ratio.

    .venv/bin/python bench/rpc_roundtrip.py [--calls 2000]
"""
import argparse
import multiprocessing
import os
import statistics
import time
import uuid

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
ECHO_QUEUE = f"bench-echo-{uuid.uuid4().hex[:6]}"


def ping_contract():
    from portal_shared.contracts.base import RpcMethod
    return RpcMethod("bench_echo", "ping")


def run_nameko_echo(ready):
    """The service side as the project's services run it: `rpc_method` entrypoint, shared config."""
    import eventlet
    eventlet.monkey_patch()
    from nameko.runners import ServiceRunner

    from portal_shared.config import Config
    from portal_shared.entrypoints import rpc_method

    class BenchEcho:
        name = "bench_echo"

        @rpc_method(ping_contract())
        def ping(self):
            return None

    runner = ServiceRunner({**Config().nameko_config(), "AMQP_URI": AMQP})
    runner.add_service(BenchEcho)
    runner.start()
    ready.set()
    runner.wait()


def run_pika_echo(ready):
    import pika
    connection = pika.BlockingConnection(pika.URLParameters(AMQP))
    channel = connection.channel()
    channel.queue_declare(ECHO_QUEUE, auto_delete=True)

    def reply(ch, method, properties, body):
        ch.basic_publish("", properties.reply_to, body,
                         pika.BasicProperties(correlation_id=properties.correlation_id))
        ch.basic_ack(method.delivery_tag)

    channel.basic_consume(ECHO_QUEUE, reply)
    ready.set()
    channel.start_consuming()


def timed(call, count: int) -> list[float]:
    for _ in range(50):  # warm-up
        call()
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - started)
    return latencies


def nameko_calls(count: int) -> list[float]:
    from portal_shared.rpc_client import RpcPool

    pool = RpcPool({"AMQP_URI": AMQP, "serializer": "json"}, size=1, timeout=10)
    ping = ping_contract()
    try:
        return timed(lambda: pool.call(ping), count)
    finally:
        pool.close()


def pika_calls(count: int) -> list[float]:
    import pika
    connection = pika.BlockingConnection(pika.URLParameters(AMQP))
    channel = connection.channel()
    replies = []
    channel.basic_consume("amq.rabbitmq.reply-to", lambda ch, m, p, body: replies.append(body),
                          auto_ack=True)

    def call():
        channel.basic_publish("", ECHO_QUEUE, b"{}", pika.BasicProperties(
            reply_to="amq.rabbitmq.reply-to", correlation_id=uuid.uuid4().hex))
        while not replies:
            connection.process_data_events(time_limit=None)
        replies.clear()

    try:
        return timed(call, count)
    finally:
        connection.close()


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(name: str, latencies: list[float]) -> float:
    rate = len(latencies) / sum(latencies)
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{name:<28} {rate:8.0f} calls/s   p50 {cuts[49] * 1000:6.2f} ms   p95 {cuts[94] * 1000:6.2f} ms")
    return rate


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    servers = []
    for target in (run_nameko_echo, run_pika_echo):
        ready = multiprocessing.Event()
        process = multiprocessing.Process(target=target, args=(ready,), daemon=True)
        process.start()
        ready.wait(30)
        servers.append(process)
    time.sleep(0.5)
    try:
        before = [cpu_seconds(process.pid) for process in servers]
        project = report("project RPC (nameko pool)", nameko_calls(args.calls))
        middle = [cpu_seconds(process.pid) for process in servers]
        raw = report("raw AMQP (pika, reply-to)", pika_calls(args.calls))
        after = [cpu_seconds(process.pid) for process in servers]
        print(f"ratio project/raw: {project / raw:.2f}")
        print(f"service CPU per call: project {(middle[0] - before[0]) / (args.calls + 50) * 1e6:.0f} µs, "
              f"raw {(after[1] - middle[1]) / (args.calls + 50) * 1e6:.0f} µs (other load on the machine "
              "stretches wall-clock figures, not these)")
    finally:
        for process in servers:
            process.terminate()


if __name__ == "__main__":
    main()
