"""One row of a bench samples file (see start_sampler in bench/lib.sh), from one /admin/status document and one
sum of http_server_responses_total. A figure that could not be read is "-" (gnuplot's missing value): a sample
that misses never fails the scenario.
Usage: sample_row.py T PHASE STATUS_FILE REQUESTS_TOTAL STATE_FILE ELEVATED CRITICAL
STATE_FILE keeps each counter's last reading and its time (JSON) so that rates are differences over real elapsed time."""
import json
import sys

LEVELS = {"NORMAL": 0, "ELEVATED": 1, "CRITICAL": 2}
t, phase, status_path, requests, state_path, elevated, critical = sys.argv[1:8]
t = float(t)
try:
    with open(status_path) as f:
        status = json.load(f)
except (OSError, ValueError):
    status = None


def pick(*path):
    node = status
    try:
        for key in path:
            node = node[key]
        return node
    except (KeyError, TypeError, IndexError):
        return None


def mib(value):
    return "-" if value is None else "%.2f" % (value / 1048576)


def threshold(fraction):
    heap_max = pick("memory", "heapMax")
    try:
        return mib(float(fraction) * heap_max)
    except (TypeError, ValueError):
        return "-"


def rate(now, before):
    # A counter that went down belongs to a new server (one per phase): no rate across it.
    if now is None or before is None or now < before[1] or t <= before[0]:
        return "-"
    return "%.1f" % ((now - before[1]) / (t - before[0]))


try:
    with open(state_path) as f:
        state = json.load(f)
except (OSError, ValueError):
    state = {}

req_total = float(requests) if requests not in ("", "-") else None
shed_total = pick("pressure", "shedCount")
outstanding = pick("scopes", "outstanding")
level = LEVELS.get(pick("pressure", "level"))
row = [
    "%.1f" % t, phase or "-",
    mib(pick("memory", "heapUsed")), mib(pick("memory", "oldGenAfterLastGc")),
    mib(pick("pressure", "signals", "heapAfterGc")), threshold(elevated), threshold(critical),
    "-" if level is None else str(level),
    "-" if not isinstance(outstanding, dict) else str(sum(outstanding.values())),
    "-" if pick("scopes", "open") is None else str(pick("scopes", "open")),
    rate(req_total, state.get("requests")), rate(shed_total, state.get("shed")),
]
print("\t".join(row), flush=True)
# Each counter keeps its own last good reading: after a missed sample the next rate spans two seconds.
for name, value in (("requests", req_total), ("shed", shed_total)):
    if value is not None:
        state[name] = [t, value]
with open(state_path, "w") as f:
    json.dump(state, f)
