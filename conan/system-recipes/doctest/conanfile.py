# Offline stand-in for ConanCenter's doctest: wraps the doctest a system package installed
# (Debian: doctest-dev 2.4.9, header in /usr/include/doctest, CMake scripts in
# /usr/lib/cmake/doctest). Builds and downloads nothing. Gives find_package(doctest),
# doctest::doctest and doctest_discover_tests() (include(doctest) also works), as ConanCenter's
# doctest does. See docs/packaging.md.
#
#   conan export conan/system-recipes/doctest    (the version is read from doctest.h)
import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.files import copy, load

required_conan_version = ">=2.0"

_HEADER = "/usr/include/doctest/doctest.h"
_CMAKE_DIR = "/usr/lib/cmake/doctest"


class DoctestSystemConan(ConanFile):
    name = "doctest"
    description = "Stand-in for doctest: the system's doctest (Debian doctest-dev)"
    license = "MIT"
    package_type = "header-library"

    def set_version(self):
        if self.version:
            return
        if not os.path.isfile(_HEADER):
            raise ConanInvalidConfiguration(f"{_HEADER} not found: apt-get install doctest-dev")
        text = load(self, _HEADER)
        parts = [re.search(rf"#define\s+DOCTEST_VERSION_{p}\s+(\d+)", text).group(1)
                 for p in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def package_id(self):
        self.info.clear()

    def validate(self):
        if not os.path.isfile(_HEADER):
            raise ConanInvalidConfiguration(f"{_HEADER} not found: apt-get install doctest-dev")

    def package(self):
        copy(self, "copyright", src="/usr/share/doc/doctest-dev",
             dst=os.path.join(self.package_folder, "licenses"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "doctest")
        self.cpp_info.set_property("cmake_target_name", "doctest::doctest")
        self.cpp_info.set_property("pkg_config_name", "doctest")
        # /usr/include is searched by default; see the boost stand-in for why it is not named.
        self.cpp_info.includedirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.bindirs = []
        # doctest_discover_tests(): the system's doctest.cmake as a build module, and its
        # directory on CMake's module path for include(doctest).
        if os.path.isfile(os.path.join(_CMAKE_DIR, "doctest.cmake")):
            self.cpp_info.builddirs = [_CMAKE_DIR]
            self.cpp_info.set_property("cmake_build_modules",
                                       [os.path.join(_CMAKE_DIR, "doctest.cmake")])
