"""Conan recipe for winshm: header only, its version read from winshm.h."""
import os
import re

from conan import ConanFile
from conan.tools.files import copy, load


class WinshmConan(ConanFile):
    name = "winshm"
    description = "Windows native shared memory in one C header"
    license = "MIT"
    topics = ("shared-memory", "windows", "header-only", "ipc")
    package_type = "header-library"
    settings = "os"
    exports_sources = "winshm.h", "LICENSE"
    no_copy_source = True

    def set_version(self):
        header = load(self, os.path.join(self.recipe_folder, "winshm.h"))
        parts = [re.search(r"#define WINSHM_VERSION_%s (\d+)" % part, header).group(1)
                 for part in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def validate(self):
        if self.settings.os != "Windows":
            from conan.errors import ConanInvalidConfiguration
            raise ConanInvalidConfiguration("winshm is for Windows")

    def package(self):
        copy(self, "winshm.h", self.source_folder, os.path.join(self.package_folder, "include"))
        copy(self, "LICENSE", self.source_folder, os.path.join(self.package_folder, "licenses"))

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.set_property("cmake_file_name", "winshm")
        self.cpp_info.set_property("cmake_target_name", "winshm::winshm")
        self.cpp_info.set_property("pkg_config_name", "winshm")
