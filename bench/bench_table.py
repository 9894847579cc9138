#!/usr/bin/env python3
# bench_table.py: turns scripts/bench.sh's results.jsonl into the table of runs, ceilings and ratios, plus the targets.
#
# Every csmsd figure is shown next to its ceiling measured in the same run (the machine is shared, absolute numbers
# drift): reads against nginx on the same transport and connection count, writes against the SQLite storage
# ceiling, mixed against the blend of both in its 90/10 proportion.
import json
import sys

SCENARIOS = ["read-latest", "read-stage", "create-version", "move-stage", "list", "mixed"]
READS = {"read-latest", "read-stage", "list"}
MIXED_READ_SHARE = 0.9  # csmsd-loadgen's mixed: 90% read-latest, 10% create-version


def load(path):
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def ms(micros):
    return micros / 1000.0


class Results:
    def __init__(self, records):
        self.meta = next((r for r in records if r.get("kind") == "meta"), {})
        self.runs = [r for r in records if r.get("kind") == "run"]
        self.storage = [r for r in records if r.get("kind") == "sqlite-ceiling"]
        sqlite = [r for r in records if r.get("store", "sqlite") == "sqlite"]
        postgres = [r for r in records if r.get("store") == "postgres"]
        self.startup = {r["vault"]: r["ready_ms"] for r in sqlite if r.get("kind") == "startup"}
        self.memory = {r["vault"]: r["rss_kb"] for r in sqlite if r.get("kind") == "memory"}
        self.pg_startup = next((r["ready_ms"] for r in postgres if r.get("kind") == "startup"), None)
        self.pg_memory = next((r["rss_kb"] for r in postgres if r.get("kind") == "memory"), None)
        self.prepare = {r["vault"]: r["seconds"] for r in records if r.get("kind") == "prepare"}
        self.bodies = next((r for r in records if r.get("kind") == "bodies"), None)
        self.total = next((r for r in records if r.get("kind") == "total"), None)
        vaults = sorted({r["vault"] for r in self.runs if r["server"] == "csmsd"})
        self.vault = vaults[0] if vaults else None
        self.large_vault = vaults[-1] if len(vaults) > 1 else None

    def run(self, server, vault, transport, scenario, connections):
        for r in self.runs:
            if (r["server"], r["vault"], r["transport"], r["scenario"], r["connections"]) == (
                    server, vault, transport, scenario, connections):
                return r
        return None

    def storage_for(self, run):
        """The storage ceiling taken around `run` (its halves before and after, merged), else the first one."""
        wanted = {"scenario": run["scenario"], "transport": run["transport"], "connections": run["connections"]}
        parts = [r for r in self.storage if r.get("for") == wanted] or self.storage[:1]
        if not parts:
            return None
        transactions = sum(r["transactions"] for r in parts)
        seconds = sum(r["elapsed_s"] for r in parts)
        return {
            "transactions_per_s": transactions / seconds if seconds else 0.0,
            "per_transaction_us": seconds * 1e6 / transactions if transactions else 0.0,
            # Each half's p50 weighed by its transactions: the halves' histograms are not kept.
            "latency_us": {"p50": sum(r["latency_us"]["p50"] * r["transactions"] for r in parts) / transactions
                           if transactions else 0.0},
        }

    def ceiling(self, run):
        """(label, requests/s, p50 µs) of what `run` (a csmsd run of the main vault) is divided by, or None."""
        scenario, transport, connections = run["scenario"], run["transport"], run["connections"]
        if scenario in READS:
            nginx = self.run("nginx", self.vault, transport, scenario, connections)
            return ("nginx", nginx["requests_per_s"], nginx["latency_us"]["p50"]) if nginx else None
        storage_run = self.storage_for(run)
        storage = storage_run["transactions_per_s"] if storage_run else None
        if scenario in ("create-version", "move-stage"):
            # move-stage has no storage ceiling of its own; create-version's (the heavier transaction) stands in.
            label = "sqlite" if scenario == "create-version" else "sqlite*"
            return (label, storage, storage_run["latency_us"]["p50"]) if storage else None
        if scenario == "mixed":
            nginx = self.run("nginx", self.vault, transport, "read-latest", connections)
            if not nginx or not storage:
                return None
            blend = 1.0 / (MIXED_READ_SHARE / nginx["requests_per_s"] + (1 - MIXED_READ_SHARE) / storage)
            return ("blend", blend, None)
        return None


def run_table(results):
    header = ("scenario", "transport", "conns", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "ceiling", "ceil req/s",
              "ceil p50 ms", "ratio", "errors")
    rows = []
    ordered = sorted((r for r in results.runs if r["server"] == "csmsd" and r["vault"] == results.vault),
                     key=lambda r: (SCENARIOS.index(r["scenario"]), r["transport"] != "unix", r["connections"]))
    for r in ordered:
        ceiling = results.ceiling(r)
        latency = r["latency_us"]
        rows.append((r["scenario"], r["transport"], str(r["connections"]), f"{r['requests_per_s']:.0f}",
                     f"{ms(latency['p50']):.3f}", f"{ms(latency['p99']):.3f}", f"{ms(latency['p99.9']):.3f}",
                     ceiling[0] if ceiling else "-", f"{ceiling[1]:.0f}" if ceiling else "-",
                     f"{ms(ceiling[2]):.3f}" if ceiling and ceiling[2] is not None else "-",
                     f"{r['requests_per_s'] / ceiling[1]:.2f}x" if ceiling else "-",
                     str(r["errors"]) if r["errors"] else ""))
    return format_rows(header, rows, left=(0, 1, 7))


def postgres_table(results):
    """The PostgreSQL store's runs beside the SQLite store's run of the same scenario, transport and connections in
    this same run (the baseline), with their ratio."""
    header = ("scenario", "transport", "conns", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "sqlite req/s",
              "sqlite p50 ms", "pg/sqlite", "errors")
    rows = []
    ordered = sorted((r for r in results.runs if r["server"] == "csmsd-postgres"),
                     key=lambda r: (SCENARIOS.index(r["scenario"]), r["transport"] != "unix", r["connections"]))
    for r in ordered:
        sqlite = results.run("csmsd", r["vault"], r["transport"], r["scenario"], r["connections"])
        latency = r["latency_us"]
        rows.append((r["scenario"], r["transport"], str(r["connections"]), f"{r['requests_per_s']:.0f}",
                     f"{ms(latency['p50']):.3f}", f"{ms(latency['p99']):.3f}", f"{ms(latency['p99.9']):.3f}",
                     f"{sqlite['requests_per_s']:.0f}" if sqlite else "-",
                     f"{ms(sqlite['latency_us']['p50']):.3f}" if sqlite else "-",
                     f"{r['requests_per_s'] / sqlite['requests_per_s']:.2f}x" if sqlite and sqlite["requests_per_s"]
                     else "-",
                     str(r["errors"]) if r["errors"] else ""))
    return format_rows(header, rows)


def scaling(results, transport, scenario):
    """(raw, normalized) 1k/100k throughput ratios at 16 connections, or None. Normalized divides each vault's
    figure by nginx measured right after it, so drift of the shared machine between the two runs cancels out."""
    large = results.run("csmsd", results.large_vault, transport, scenario, 16)
    small = results.run("csmsd", results.vault, transport, scenario, 16)
    if not large or not small or not large["requests_per_s"]:
        return None
    raw = small["requests_per_s"] / large["requests_per_s"]
    nginx_large = results.run("nginx", results.large_vault, transport, scenario, 16)
    nginx_small = results.run("nginx", results.vault, transport, scenario, 16)
    normalized = None
    if nginx_large and nginx_small:
        normalized = (small["requests_per_s"] / nginx_small["requests_per_s"]) / (
            large["requests_per_s"] / nginx_large["requests_per_s"])
    return small, large, raw, normalized


def large_vault_table(results):
    header = ("scenario", "transport", "conns", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "nginx req/s", "ratio",
              f"{results.vault}: req/s", f"{results.vault}/{results.large_vault}", "same, vs nginx", "errors")
    rows = []
    for r in results.runs:
        if r["server"] != "csmsd" or r["vault"] != results.large_vault:
            continue
        nginx = results.run("nginx", results.large_vault, r["transport"], r["scenario"], r["connections"])
        scaled = scaling(results, r["transport"], r["scenario"]) if r["connections"] == 16 else None
        latency = r["latency_us"]
        rows.append((r["scenario"], r["transport"], str(r["connections"]), f"{r['requests_per_s']:.0f}",
                     f"{ms(latency['p50']):.3f}", f"{ms(latency['p99']):.3f}", f"{ms(latency['p99.9']):.3f}",
                     f"{nginx['requests_per_s']:.0f}" if nginx else "-",
                     f"{r['requests_per_s'] / nginx['requests_per_s']:.2f}x" if nginx else "-",
                     f"{scaled[0]['requests_per_s']:.0f}" if scaled else "-",
                     f"{scaled[2]:.2f}" if scaled else "-",
                     f"{scaled[3]:.2f}" if scaled and scaled[3] is not None else "-",
                     str(r["errors"]) if r["errors"] else ""))
    return format_rows(header, rows)


def format_rows(header, rows, left=(0, 1)):
    """Columns in `left` are text, the others numbers (right-aligned)."""
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    lines = []
    for row in [header] + rows:
        cells = [str(cell).ljust(width) if i in left else str(cell).rjust(width)
                 for i, (cell, width) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def checks(results):
    """(verdict, target, detail) for each target; verdict PASS, MISS or n/a (not measured in this run)."""
    out = []
    transports = sorted({r["transport"] for r in results.runs}, key=lambda t: t != "unix")

    def add(ok, target, detail):
        out.append(("n/a" if ok is None else "PASS" if ok else "MISS", target, detail))

    for scenario in ("read-latest", "read-stage"):
        for transport in transports:
            mine = results.run("csmsd", results.vault, transport, scenario, 16)
            nginx = results.run("nginx", results.vault, transport, scenario, 16)
            if mine and nginx:
                ratio = mine["requests_per_s"] / nginx["requests_per_s"]
                add(ratio >= 0.8, "reads x16 >= 0.8x nginx",
                    f"{scenario} {transport}: {mine['requests_per_s']:.0f} / {nginx['requests_per_s']:.0f} "
                    f"= {ratio:.2f}x")
    for transport in transports:
        mine = results.run("csmsd", results.vault, transport, "create-version", 64)
        storage = results.storage_for(mine) if mine else None
        if mine and storage:
            ratio = mine["requests_per_s"] / storage["transactions_per_s"]
            add(ratio >= 2.0, "create-version x64 >= 2x storage ceiling",
                f"{transport}: {mine['requests_per_s']:.0f} / {storage['transactions_per_s']:.0f} tx/s = {ratio:.2f}x")
    for transport in transports:
        mine = results.run("csmsd", results.vault, transport, "create-version", 1)
        storage = results.storage_for(mine) if mine else None
        if mine and storage:
            ratio = mine["latency_us"]["p50"] / storage["latency_us"]["p50"]
            add(ratio <= 1.5, "create-version x1 p50 <= 1.5x ceiling per-tx time",
                f"{transport}: {ms(mine['latency_us']['p50']):.3f} / {ms(storage['latency_us']['p50']):.3f} ms "
                f"= {ratio:.2f}x")
    for scenario in ("read-latest", "read-stage"):
        for transport in transports:
            mine = results.run("csmsd", results.vault, transport, scenario, 64)
            if mine:
                p99 = ms(mine["latency_us"]["p99"])
                add(p99 <= 2.0, "reads x64 p99 <= 2 ms", f"{scenario} {transport}: {p99:.3f} ms")
    large = results.large_vault
    if large:
        ready = results.startup.get(large)
        add(None if ready is None else ready < 200, f"{large}-secret vault ready < 200 ms",
            "not measured" if ready is None else f"{ready:.1f} ms")
        rss = results.memory.get(large)
        add(None if rss is None else rss < 64 * 1024, f"{large}-secret vault RSS < 64 MB",
            "not measured" if rss is None else f"{rss / 1024:.1f} MB after the read and list runs")
        for scenario in ("read-latest", "list"):
            for transport in transports:
                scaled = scaling(results, transport, scenario)
                if not scaled:
                    continue
                small, mine, raw, normalized = scaled
                detail = (f"{scenario} {transport} x16: {small['requests_per_s']:.0f} / {mine['requests_per_s']:.0f} "
                          f"= {raw:.2f}")
                if normalized is not None:
                    detail += f"; against nginx at each moment {normalized:.2f} (the verdict)"
                add((normalized if normalized is not None else raw) <= 1.3,
                    f"{results.vault}/{large} throughput <= 1.3", detail)
    else:
        add(None, "large-vault targets", "no large vault in this run (--large-vault-size)")
    return out


def main():
    if len(sys.argv) != 2:
        print("usage: bench_table.py RESULTS.jsonl", file=sys.stderr)
        return 2
    results = Results(load(sys.argv[1]))
    meta = results.meta
    print(f"csmsd benchmark {meta.get('date', '?')}, commit {meta.get('commit', '?')}, {meta.get('mode', '?')} mode: "
          f"{meta.get('duration', '?')} per run after {meta.get('warmup', '?')} warm-up, closed loop, keep-alive, "
          f"1 generator thread")
    print(f"machine: {meta.get('nproc', '?')} CPUs ({meta.get('cpu', '?')}), kernel {meta.get('kernel', '?')}, "
          f"data on {meta.get('data_fs', '?')}")
    for vault in sorted(results.prepare):
        facts = [f"prepared in {results.prepare[vault]:.1f} s"]
        if vault in results.startup:
            facts.append(f"ready {results.startup[vault]:.1f} ms after start")
        if vault in results.memory:
            facts.append(f"RSS {results.memory[vault] / 1024:.1f} MB at the end")
        print(f"vault of {vault} secrets: " + ", ".join(facts))
    if results.bodies:
        b = results.bodies
        print(f"answer sizes (nginx serves the same bodies): read-latest {b['read_bytes']} B, read-stage "
              f"{b['stage_bytes']} B, list {b['list_bytes']} B")
    if results.storage:
        rates = [s["transactions_per_s"] for s in results.storage]
        p50s = [ms(s["latency_us"]["p50"]) for s in results.storage]
        print(f"storage ceiling (create-version SQL, 1 connection, fsync per commit), {len(rates)} half-runs around "
              f"the write runs: {min(rates):.0f} to {max(rates):.0f} tx/s, per-transaction p50 {min(p50s):.3f} to "
              f"{max(p50s):.3f} ms")
    print()
    print(f"vault of {results.vault} secrets")
    print(run_table(results))
    print("ceiling: nginx = same request, transport and connections against nginx (1 worker), right after the run; "
          "sqlite = storage ceiling, half right before the run and half right after; sqlite* = create-version's "
          "storage ceiling standing in for move-stage; blend = 1 / (0.9 / nginx read-latest + 0.1 / sqlite)")
    if any(r["server"] == "csmsd-postgres" for r in results.runs):
        print()
        facts = []
        if results.pg_startup is not None:
            facts.append(f"ready {results.pg_startup:.1f} ms after start")
        if results.pg_memory is not None:
            facts.append(f"RSS {results.pg_memory / 1024:.1f} MB at the end")
        print(f"PostgreSQL store, vault of {results.vault} secrets on a local server (Unix socket, fsync on)"
              + (": " + ", ".join(facts) if facts else ""))
        print(postgres_table(results))
        print("pg/sqlite = this run's PostgreSQL figure divided by the SQLite store's figure for the same scenario, "
              "transport and connections, measured earlier in the same run")
    if results.large_vault:
        print()
        print(f"vault of {results.large_vault} secrets (compared with the vault of {results.vault})")
        print(large_vault_table(results))
    print()
    print("targets")
    verdicts = checks(results)
    width = max(len(target) for _, target, _ in verdicts)
    for verdict, target, detail in verdicts:
        print(f"  {verdict:4}  {target.ljust(width)}  {detail}")
    passed = sum(1 for v, _, _ in verdicts if v == "PASS")
    missed = sum(1 for v, _, _ in verdicts if v == "MISS")
    print(f"{passed} passed, {missed} missed")
    if results.total is not None:
        print(f"the run took {results.total['seconds']:.0f} s after the build; load average before "
              f"{meta.get('load_before', '?')}, after {results.total.get('load_after', '?')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
