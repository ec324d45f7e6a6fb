#!/usr/bin/env python3
"""No identifier in winshm.h may be a macro name of the Windows headers.

The SDK's <windows.h> defines lower-case macros such as `small` (rpcndr.h:
#define small char); a local, parameter, member or label of that name breaks
winshm.h for every user who includes <windows.h> first. Every identifier
token of the header (comments and literals removed) is checked against
  * windows-sdk-macros.txt beside this script: the macros with a lower-case
    letter that the Windows 10 SDK (10.0.16299) headers define, and
  * the same set read now, with clang -dM, from Wine's headers (Debian's
    libwine-dev), for x86_64 and i686, with and without UNICODE, so that the
    check follows the Wine release installed.
A hit fails, naming the identifier, its line in winshm.h and the header that
defines it.

  windows_macros.py WINSHM_H [WINE_INCLUDE_DIR]
"""
import pathlib
import re
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
# The headers the SDK list was read from (windows-sdk-macros.txt says which).
HEADERS = ["winsock2.h", "windows.h", "winternl.h", "ntsecapi.h", "sddl.h", "aclapi.h",
           "bcrypt.h", "intrin.h", "stdlib.h", "stdio.h", "string.h", "wchar.h"]


def identifiers(path):
    """Each identifier token of a C/C++ file and the first line it is on."""
    text = path.read_text()
    # Comments and literals become blanks of the same line count.
    def blank(match):
        return re.sub(r"[^\n]", " ", match.group(0))
    text = re.sub(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", blank, text, flags=re.S)
    first = {}
    for number, line in enumerate(text.split("\n"), 1):
        for name in re.findall(r"\b[A-Za-z_]\w*\b", line):
            first.setdefault(name, number)
    return first


def sdk_macros():
    names = set()
    for line in (HERE / "windows-sdk-macros.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            names.add(line.split()[0])
    return names


def wine_macros(include):
    """Macro name -> the Wine header that defines it."""
    windows, msvcrt = include / "windows", include / "msvcrt"
    if not (windows / "windows.h").is_file():
        sys.exit(f"windows_macros: no Wine headers in {include} (Debian's libwine-dev; "
                 "scripts/install-deps.sh installs it)")
    source = "".join(f"#include <{h}>\n" for h in HEADERS)
    found = set()
    for target in ("x86_64-w64-mingw32", "i686-w64-mingw32"):
        for unicode in ([], ["-DUNICODE", "-D_UNICODE"]):
            base = ["clang", f"--target={target}", "-nostdlibinc", "-isystem", str(msvcrt),
                    "-isystem", str(windows), "-E", "-dM", "-x", "c"] + unicode
            def defined(text):
                run = subprocess.run(base + ["-"], input=text, capture_output=True, text=True)
                if run.returncode != 0:
                    sys.exit(f"windows_macros: clang could not read Wine's headers:\n{run.stderr}")
                return {line.split()[1].split("(")[0] for line in run.stdout.splitlines()
                        if line.startswith("#define ")}
            found |= defined(source) - defined("")
    names = {name for name in found if re.search(r"[a-z]", name)}
    where = {}
    pattern = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)", re.M)
    for header in sorted(windows.glob("*.h")) + sorted(msvcrt.rglob("*.h")):
        text = header.read_text(errors="replace")
        for match in pattern.finditer(text):
            name = match.group(1)
            if name in names and name not in where:
                line = text.count("\n", 0, match.start()) + 1
                where[name] = f"{header.relative_to(include)}:{line}"
    return {name: where.get(name, "Wine's headers") for name in names}


def main():
    header = pathlib.Path(sys.argv[1])
    include = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "/usr/include/wine/wine")
    tokens = identifiers(header)
    sdk, wine = sdk_macros(), wine_macros(include)
    hits = 0
    for name in sorted(tokens, key=tokens.get):
        sources = []
        if name in sdk:
            sources.append("the Windows SDK 10.0.16299 headers (windows-sdk-macros.txt)")
        if name in wine:
            sources.append(f"Wine's {wine[name]}")
        if sources:
            hits += 1
            print(f"{header}:{tokens[name]}: '{name}' is a macro of {' and '.join(sources)}; "
                  "rename it, or it breaks after <windows.h>")
    print(f"windows_macros: {len(tokens)} identifiers of {header.name} against "
          f"{len(sdk)} SDK and {len(wine)} Wine macro names: {hits} clash")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
