"""Strict reading of a conformance run: a scored scenario fails on any FAILURE or WARNING check,
or when none of its checks succeeded. Scenarios the suite lists as "not scored" are reported only.

Prints one line per scenario and a closing line "N passed, M failed"."""

import json
import pathlib
import re
import sys

run = pathlib.Path(sys.argv[1])
output = (run / "output.txt").read_text()
not_scored = set()
if "Not scored" in output:
    tail = output.split("Not scored", 1)[1]
    not_scored = set(re.findall(r"[✓✗] ([\w-]+) \(", tail))

passed = failed = 0
for checks_file in sorted(run.glob("*/checks.json")):
    scenario = re.sub(r"^server-|-\d{4}-\d\d-\d\dT.*$", "", checks_file.parent.name)
    checks = json.loads(checks_file.read_text())
    bad = [c for c in checks if c["status"] in ("FAILURE", "WARNING")]
    ok = [c for c in checks if c["status"] == "SUCCESS"]
    if scenario in not_scored:
        state = "ok" if not bad else f"{len(bad)} failing (not scored)"
        print(f"  [not scored] {scenario}: {state}")
        continue
    if bad or (not ok and checks):
        failed += 1
        print(f"  FAIL {scenario}:")
        for c in bad:
            print(f"    {c['status']} {c['id']}: {c.get('errorMessage', '')}")
    else:
        passed += 1
print(f"conformance {run.name}: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
