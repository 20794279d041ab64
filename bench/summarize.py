#!/usr/bin/env python3
"""Turns the raw samples bench/run collected into the comparison table (stdout) and a JSON file.

Usage: summarize.py RAW_DIR OUT_JSON

RAW_DIR holds phases.tsv (one line per measured phase: proxy, phase, round, requests, new connections, user and
system CPU ticks of the proxy's processes, start and end time, 1-minute load average), lat/PROXY-PHASE-ROUND.txt (curl's
time_total per request, seconds) and facts.tsv (key, value; a key may repeat, e.g. one start time per start).
"""
import json
import math
import statistics
import sys
from pathlib import Path

PROXIES = ("nginx", "chainsight")

# key, label, unit, decimals, target: (kind, limit) where kind "ratio" compares chainsight/nginx, "chainsight"
# compares chainsight's own value, and "nginx_plus" compares chainsight with limit[0] x nginx + limit[1]; None:
# reported, no target. The targets are issue 12's.
FIGURES = [
    ("start_to_ready_s", "start to ready (median of starts)", "s", 3, ("chainsight", 0.5)),
    ("start_to_ready_cpu_s", "  CPU time used until ready (median)", "s", 2, None),
    ("cpu_us_per_cold_connection", "CPU per new mTLS connection, the first after start (cold)", "us", 0,
     ("ratio", 1.5)),
    ("first_request_nagle_ms", "first request on a new connection, client without TCP_NODELAY, p50", "ms", 1,
     ("nginx_plus", (2.0, 1.0))),
    ("rss_idle_start_mb", "resident memory idle, after start", "MB", 1, None),
    ("rss_idle_mb", "resident memory idle, after the load", "MB", 1, ("chainsight", 64.0)),
    ("pss_idle_mb", "proportional set size idle, after the load", "MB", 1, None),
    ("cpu_us_per_keepalive_request", "CPU per keep-alive request, warmed", "us", 1, ("ratio", 1.0)),
    ("cpu_us_per_keepalive_request_system", "  of which in the kernel (stime)", "us", 1, None),
    ("bytes_allocated_per_keepalive_request", "bytes allocated per keep-alive request (JVM)", "B", 0,
     ("chainsight", 1024.0)),
    ("cpu_us_per_handshake", "CPU per new mTLS connection, warmed (full handshake + 1 request)", "us", 0,
     ("ratio", 0.5)),
    ("cpu_us_per_handshake_system", "  of which in the kernel (stime)", "us", 0, None),
    ("keepalive_requests_per_s", "keep-alive requests/s (curl-bound)", "1/s", 0, None),
    ("handshakes_per_s", "new mTLS connections/s (curl-bound)", "1/s", 0, None),
    ("keepalive_p50_ms", "keep-alive latency p50", "ms", 2, None),
    ("keepalive_p99_ms", "keep-alive latency p99", "ms", 2, ("ratio", 1.2)),
    ("handshake_p50_ms", "new-connection latency p50", "ms", 2, None),
    ("handshake_p99_ms", "new-connection latency p99", "ms", 2, None),
    ("kb_per_idle_connection", "memory per idle mTLS connection, after 1 request", "KB", 1, ("ratio", 1.0)),
    ("kb_per_idle_handshake_only", "memory per idle mTLS connection, handshake only", "KB", 1, None),
]


def main():
    raw, out = Path(sys.argv[1]), Path(sys.argv[2])
    facts = read_facts(raw / "facts.tsv")
    phases = read_phases(raw / "phases.tsv")
    allocations = read_allocations(raw / "alloc.tsv")
    per_proxy = {proxy: figures_for(proxy, phases, facts, raw) for proxy in PROXIES}
    if allocations:
        # All measured rounds together: jcmd prints a thread's total in whole MB once it passes 100 MB.
        per_proxy["chainsight"]["bytes_allocated_per_keepalive_request"] = (
            sum(a["bytes"] for a in allocations) / sum(a["requests"] for a in allocations))
    figures = {}
    for key, label, unit, decimals, target in FIGURES:
        nginx, chainsight = per_proxy["nginx"].get(key), per_proxy["chainsight"].get(key)
        ratio = chainsight / nginx if nginx and chainsight is not None else None
        figures[key] = {"label": label, "unit": unit, "decimals": decimals, "nginx": rounded(nginx, decimals),
                        "chainsight": rounded(chainsight, decimals), "ratio": rounded(ratio, 2),
                        "target": describe(target), "met": met(target, chainsight, ratio, nginx)}
    result = {
        "timestamp": first(facts, "timestamp"),
        "chainsight_commit": first(facts, "version.chainsight_commit"),
        "mode": first(facts, "mode"),
        "parameters": {k: number(first(facts, k)) for k in ("rounds", "requests", "handshakes", "held_connections",
                                                            "concurrency", "warmup_requests", "warmup_handshakes",
                                                            "starts", "cold", "phases")},
        "warmup_chunks_until_settled": {k: int(first(facts, k)) for k in sorted(facts) if ".warmup_chunks_" in k},
        "machine": {k[len("machine."):]: first(facts, k) for k in facts if k.startswith("machine.")},
        "versions": {k[len("version."):]: first(facts, k) for k in facts if k.startswith("version.")},
        "tls": {k[len("tls."):]: first(facts, k) for k in facts if k.startswith("tls.")},
        "chainsight_java_opts": first(facts, "chainsight.java_opts"),
        "chainsight_archive": first(facts, "chainsight.archive"),
        "start_to_ready_method": first(facts, "chainsight.start_ready_method"),
        "notes": facts.get("note", []),
        "figures": figures,
        "samples": {
            "phases": phases,
            "allocated_bytes_keepalive": allocations,
            "start_to_ready_s": {p: [float(v) for v in facts.get(p + ".start_ready_s", [])] for p in PROXIES},
            "start_to_ready_cpu_s": {p: [float(v) for v in facts.get(p + ".start_ready_cpu_s", [])] for p in PROXIES},
            "memory_kb": {k: int(first(facts, k)) for k in sorted(facts) if k.endswith("_kb")},
        },
    }
    out.write_text(json.dumps(result, indent=2) + "\n")
    print_table(result)


def number(value):
    return int(value) if value is not None and value.isdigit() else value


def read_facts(path):
    facts = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("\t")
        facts.setdefault(key, []).append(value)
    return facts


def first(facts, key):
    values = facts.get(key)
    return values[0] if values else None


def read_phases(path):
    phases = []
    if not path.exists():
        return phases
    for line in path.read_text().splitlines():
        proxy, phase, rnd, n, connects, user, system, t0, t1, load = line.split("\t")
        phases.append({"proxy": proxy, "phase": phase, "round": int(rnd), "requests": int(n),
                       "new_connections": int(connects), "cpu_ticks": int(user) + int(system),
                       "cpu_user_ticks": int(user), "cpu_system_ticks": int(system),
                       "wall_s": round(float(t1) - float(t0), 3), "loadavg_1m": float(load)})
    return phases


def read_allocations(path):
    if not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        rnd, n, allocated = line.split("\t")
        rows.append({"round": int(rnd), "requests": int(n), "bytes": int(allocated)})
    return rows


def figures_for(proxy, phases, facts, raw):
    clk_tck = int(first(facts, "clk_tck"))
    figures = {}
    cold = [p for p in phases if p["proxy"] == proxy and p["phase"] == "cold"]
    if cold:
        figures["cpu_us_per_cold_connection"] = statistics.median(
            p["cpu_ticks"] * 1e6 / clk_tck / p["requests"] for p in cold)
    for phase, cpu_key, rate_key, lat_prefix in (
            ("keepalive", "cpu_us_per_keepalive_request", "keepalive_requests_per_s", "keepalive"),
            ("handshake", "cpu_us_per_handshake", "handshakes_per_s", "handshake")):
        mine = [p for p in phases if p["proxy"] == proxy and p["phase"] == phase]
        if not mine:
            continue
        # Median over rounds: one round disturbed by another session's build does not move the figure.
        figures[cpu_key] = statistics.median(p["cpu_ticks"] * 1e6 / clk_tck / p["requests"] for p in mine)
        figures[cpu_key + "_system"] = statistics.median(
            p["cpu_system_ticks"] * 1e6 / clk_tck / p["requests"] for p in mine)
        figures[rate_key] = statistics.median(p["requests"] / p["wall_s"] for p in mine)
        latencies = sorted(float(v) for p in mine
                           for v in (raw / "lat" / f"{proxy}-{phase}-{p['round']}.txt").read_text().split())
        figures[lat_prefix + "_p50_ms"] = percentile(latencies, 0.50) * 1000
        figures[lat_prefix + "_p99_ms"] = percentile(latencies, 0.99) * 1000
    kb = lambda key: int(first(facts, f"{proxy}.{key}")) if first(facts, f"{proxy}.{key}") else None
    if kb("rss_idle_start_kb"):
        figures["rss_idle_start_mb"] = kb("rss_idle_start_kb") / 1024
    if kb("rss_idle_after_load_kb"):
        figures["rss_idle_mb"] = kb("rss_idle_after_load_kb") / 1024
    if first(facts, f"{proxy}.first_request_nagle_ms"):
        figures["first_request_nagle_ms"] = float(first(facts, f"{proxy}.first_request_nagle_ms"))
    if kb("pss_idle_after_load_kb"):
        figures["pss_idle_mb"] = kb("pss_idle_after_load_kb") / 1024
    held = int(first(facts, "held_connections"))
    for after, key in (("request", "kb_per_idle_connection"), ("handshake", "kb_per_idle_handshake_only")):
        if kb(f"rss_hold_{after}_before_kb") and kb(f"rss_hold_{after}_kb"):
            figures[key] = (kb(f"rss_hold_{after}_kb") - kb(f"rss_hold_{after}_before_kb")) / held
    for key in ("start_ready_s", "start_ready_cpu_s"):
        starts = [float(v) for v in facts.get(f"{proxy}.{key}", [])]
        if starts:
            figures[key.replace("start_ready", "start_to_ready")] = statistics.median(starts)
    return figures


def percentile(sorted_values, q):
    """Nearest rank: the smallest value with at least q of the samples at or below it."""
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


def rounded(value, decimals):
    return None if value is None else round(value, decimals)


def describe(target):
    if target is None:
        return None
    kind, limit = target
    if kind == "nginx_plus":
        return f"<= {limit[0]:g}x nginx + {limit[1]:g}"
    return f"<= {limit}x nginx" if kind == "ratio" else f"<= {limit:g}"


def met(target, chainsight, ratio, nginx=None):
    if target is None:
        return None
    kind, limit = target
    if kind == "nginx_plus":
        return None if chainsight is None or nginx is None else chainsight <= limit[0] * nginx + limit[1]
    value = ratio if kind == "ratio" else chainsight
    return None if value is None else value <= limit


def print_table(result):
    print(f"chainsight at {result['chainsight_commit']} against nginx, {result['mode']} run of {result['timestamp']}\n")
    rows = [("figure", "unit", "nginx", "chainsight", "ratio", "target", "")]
    for fig in result["figures"].values():
        status = "" if fig["met"] is None else ("met" if fig["met"] else "MISSED")
        rows.append((fig["label"], fig["unit"], show(fig["nginx"], fig["decimals"]),
                     show(fig["chainsight"], fig["decimals"]),
                     "-" if fig["ratio"] is None else f"{fig['ratio']:.2f}x", fig["target"] or "", status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if i in (0, 1, 5, 6) else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths))).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))
    verdicts = [f["met"] for f in result["figures"].values() if f["met"] is not None]
    print(f"\ntargets met: {sum(verdicts)} of {len(verdicts)} (ratios are chainsight/nginx from the same run)")


def show(value, decimals):
    return "-" if value is None else f"{value:,.{decimals}f}"


if __name__ == "__main__":
    main()
