"""Checks .github/workflows/windows.yml: valid YAML, and the matrix the README
promises (MSVC x64 and Win32, clang-cl, MSYS2 MinGW64), each running ctest,
and MSVC's header cells."""
import os
import sys

import yaml

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
workflow = yaml.safe_load(open(os.path.join(root, ".github", "workflows", "windows.yml")))
checks = []
jobs = workflow.get("jobs", {})
# YAML 1.1 reads the key "on" as True.
checks.append(("has triggers", bool(workflow.get("on") or workflow.get(True))))
names = [entry["name"] for entry in jobs.get("msvc", {}).get("strategy", {}).get("matrix", {}).get("include", [])]
checks.append(("MSVC x64, MSVC Win32 and clang-cl in the matrix", names == ["MSVC x64", "MSVC Win32", "clang-cl x64"]))
checks.append(("every Windows job runs on Windows", all(j.get("runs-on", "").startswith("windows") for j in jobs.values())))
checks.append(("MSYS2 installs Criterion", "mingw-w64-x86_64-criterion" in str(jobs.get("msys2"))))
cells = " ".join(step.get("run", "") for step in jobs.get("msvc-header-cells", {}).get("steps", []))
checks.append(("MSVC compiles the header cells at /W4 /WX, x64 and x86",
               "& cl" in cells and "/W4" in cells and "/WX" in cells and
               jobs.get("msvc-header-cells", {}).get("strategy", {}).get("matrix", {}).get("arch") == ["x64", "x86"]))
for job_name, job in jobs.items():
    if job_name == "msvc-header-cells":
        continue
    runs = " ".join(step.get("run", "") for step in job.get("steps", []))
    checks.append(("job %s runs ctest" % job_name, "ctest" in runs))
failed = 0
for name, ok in checks:
    failed += not ok
    print("%s %s" % ("ok  " if ok else "FAIL", name))
print("workflow: %d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
