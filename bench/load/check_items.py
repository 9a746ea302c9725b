"""Checks a streamed /data/items JSON array from stdin without holding it: it must open with '[', close with ']',
hold exactly N objects with ids 0..N-1 in order, and each object must parse as JSON. Prints a verdict and the byte
count. Bench only: python3 check_items.py N < stream"""
import json
import sys

want = int(sys.argv[1])
buf = b""
total = 0
count = 0
first = True
ok = True
tail = b""
while True:
    chunk = sys.stdin.buffer.read(1 << 20)
    if not chunk:
        break
    total += len(chunk)
    buf += chunk
    if first:
        if not buf.startswith(b"["):
            ok = False
        buf = buf[1:]
        first = False
    parts = buf.split(b"},{")
    buf = parts.pop()
    for p in parts:
        obj = json.loads((p if p.startswith(b"{") else b"{" + p) + (b"" if p.endswith(b"}") else b"}"))
        ok = ok and obj["id"] == count
        count += 1
if buf.endswith(b"]"):
    last = buf[:-1]
    if last:
        obj = json.loads((last if last.startswith(b"{") else b"{" + last))
        ok = ok and obj["id"] == count
        count += 1
else:
    ok = False
print(("valid JSON array, %d items, ids in order" % count) if ok and count == want else "INVALID (%d items)" % count)
print(total)
