"""Scenario 1: the cost of the bus.

Sequential round trips of an empty call: the project's RPC (`portal_shared.rpc_client.RpcPool`,
as the gateway calls, to a nameko service with the project's nameko settings) versus a raw AMQP
round trip with pika and RabbitMQ's direct reply-to, on the same broker and vhost. Calls/s,
p50/p95 and the ratio. Sequential on purpose: this is the latency of one hop, not a capacity.
"""
import multiprocessing
import statistics
import time
import uuid

ECHO_QUEUE = f"bench-echo-{uuid.uuid4().hex[:6]}"


def run_nameko_echo(amqp_uri, ready):
    import eventlet
    eventlet.monkey_patch()
    from nameko.rpc import rpc
    from nameko.runners import ServiceRunner

    from portal_shared.config import Config

    class BenchEcho:
        name = "bench_echo"

        @rpc
        def ping(self):
            return None

    runner = ServiceRunner({**Config().nameko_config(), "AMQP_URI": amqp_uri})
    runner.add_service(BenchEcho)
    runner.start()
    ready.set()
    runner.wait()


def run_pika_echo(amqp_uri, ready):
    import pika
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    channel.queue_declare(ECHO_QUEUE, auto_delete=True)

    def reply(ch, method, properties, body):
        ch.basic_publish("", properties.reply_to, body,
                         pika.BasicProperties(correlation_id=properties.correlation_id))
        ch.basic_ack(method.delivery_tag)

    channel.basic_consume(ECHO_QUEUE, reply)
    ready.set()
    channel.start_consuming()


def timed(call, seconds: float) -> list[float]:
    for _ in range(50):  # warm-up
        call()
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - started)
    return latencies


def nameko_calls(amqp_uri: str, seconds: float) -> list[float]:
    from portal_shared.contracts.base import RpcMethod
    from portal_shared.rpc_client import RpcPool

    pool = RpcPool({"AMQP_URI": amqp_uri}, size=1, timeout=10)
    ping = RpcMethod("bench_echo", "ping")
    try:
        return timed(lambda: pool.call(ping), seconds)
    finally:
        pool.close()


def pika_calls(amqp_uri: str, seconds: float) -> list[float]:
    import pika
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
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
        return timed(call, seconds)
    finally:
        connection.close()


def figures(latencies: list[float]) -> dict:
    cuts = statistics.quantiles(latencies, n=100)
    return {"calls_per_s": round(len(latencies) / sum(latencies), 1), "p50_ms": round(cuts[49] * 1000, 3),
            "p95_ms": round(cuts[94] * 1000, 3)}


def scenario(system, settings) -> dict:
    servers = []
    for target in (run_nameko_echo, run_pika_echo):
        ready = multiprocessing.Event()
        process = multiprocessing.Process(target=target, args=(system.amqp_uri, ready), daemon=True)
        process.start()
        ready.wait(30)
        servers.append(process)
    time.sleep(0.5)
    try:
        project = figures(nameko_calls(system.amqp_uri, settings.step_seconds))
        raw = figures(pika_calls(system.amqp_uri, settings.step_seconds))
    finally:
        for process in servers:
            process.terminate()
    ratio = round(project["calls_per_s"] / raw["calls_per_s"], 3)
    print(f"    project RPC {project}, raw AMQP {raw}, ratio {ratio}", flush=True)
    return {"figures": {"project_rpc": project, "ratio": ratio}, "limit": {"raw_amqp": raw},
            "goal": "improve the ratio project/raw (no fixed figure)", "met": None,
            "summary": f"{project['calls_per_s']:.0f} vs {raw['calls_per_s']:.0f} calls/s (ratio {ratio:.2f}); "
                       f"p95 {project['p95_ms']:.2f} vs {raw['p95_ms']:.2f} ms"}
