"""Checks that every place that states winshm's version agrees with winshm.h,
the one source: CMake's project version, the vcpkg port, the Conan recipe and
the version string."""
import json
import os
import re
import subprocess
import sys
import tempfile
import types

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
header = open(os.path.join(root, "winshm.h"), encoding="utf-8").read()
parts = [re.search(r"^#define WINSHM_VERSION_%s (\d+)$" % p, header, re.M).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
version = ".".join(parts)
found = {}
found["WINSHM_VERSION_STRING"] = re.search(r'^#define WINSHM_VERSION_STRING "([^"]+)"$', header, re.M).group(1)
found["doc block"] = re.search(r"winshm\.h - .*?, v(\S+)", header).group(1)
found["ports/winshm/vcpkg.json"] = json.load(open(os.path.join(root, "ports", "winshm", "vcpkg.json")))["version"]

# The Conan recipe, run with a stand-in for the conan package (not installed here).
conan = types.ModuleType("conan")
class ConanFile:  # noqa: E302 - the minimum set_version() needs
    pass
conan.ConanFile = ConanFile
files = types.ModuleType("conan.tools.files")
files.load = lambda _self, path: open(path, encoding="utf-8").read()
files.copy = lambda *args, **kwargs: None
sys.modules.update({"conan": conan, "conan.tools": types.ModuleType("conan.tools"), "conan.tools.files": files})
namespace = {"__file__": os.path.join(root, "conanfile.py")}
exec(compile(open(namespace["__file__"]).read(), "conanfile.py", "exec"), namespace)
recipe = namespace["WinshmConan"]()
recipe.recipe_folder = root
recipe.set_version()
found["conanfile.py"] = recipe.version

# CMake's project version, as configured.
with tempfile.TemporaryDirectory() as build:
    subprocess.run(["cmake", "-S", root, "-B", build, "-DWINSHM_BUILD_TESTS=OFF", "-DWINSHM_BUILD_EXAMPLES=OFF"],
                   check=True, stdout=subprocess.DEVNULL)
    cache = open(os.path.join(build, "CMakeCache.txt")).read()
    found["CMake project"] = re.search(r"^CMAKE_PROJECT_VERSION:STATIC=(\S+)$", cache, re.M).group(1)

failed = 0
for where, value in found.items():
    ok = value == version
    failed += not ok
    print("%s %s: %s" % ("ok  " if ok else "FAIL", where, value))
print("versions: %d passed, %d failed (winshm.h says %s)" % (len(found) - failed, failed, version))
sys.exit(1 if failed else 0)
