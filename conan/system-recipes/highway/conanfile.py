# Offline stand-in for ConanCenter's highway: wraps the Highway a system package installed
# (Debian: libhwy-dev 1.0.3, headers in /usr/include/hwy, shared libraries libhwy.so and
# libhwy_contrib.so in /usr/lib/<multiarch>). Builds and downloads nothing. It sets the same
# cpp_info as ConanCenter's highway recipe: Conan's default CMake names (find_package(highway),
# targets highway::hwy and highway::hwy_contrib), pkg-config names libhwy and libhwy-contrib.
# See docs/packaging.md.
#
#   conan export conan/system-recipes/highway    (the version is read from hwy/highway.h)
import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.files import copy, load

required_conan_version = ">=2.0"

_HEADER = "/usr/include/hwy/highway.h"
# Conan's arch setting -> Debian's multiarch directory.
_MULTIARCH = {
    "x86_64": "x86_64-linux-gnu",
    "x86": "i386-linux-gnu",
    "armv8": "aarch64-linux-gnu",
    "armv7hf": "arm-linux-gnueabihf",
    "ppc64le": "powerpc64le-linux-gnu",
    "s390x": "s390x-linux-gnu",
    "riscv64": "riscv64-linux-gnu",
}


class HighwaySystemConan(ConanFile):
    name = "highway"
    description = "Stand-in for highway: the system's Highway (Debian libhwy-dev)"
    license = "Apache-2.0"
    package_type = "shared-library"
    settings = "os", "arch"

    def set_version(self):
        if self.version:
            return
        if not os.path.isfile(_HEADER):
            raise ConanInvalidConfiguration(f"{_HEADER} not found: apt-get install libhwy-dev")
        text = load(self, _HEADER)
        parts = [re.search(rf"#define\s+HWY_{p}\s+(\d+)", text).group(1)
                 for p in ("MAJOR", "MINOR", "PATCH")]
        self.version = ".".join(parts)

    def _libdir(self):
        candidates = []
        multiarch = _MULTIARCH.get(str(self.settings.arch))
        if multiarch:
            candidates.append(os.path.join("/usr/lib", multiarch))
        candidates += ["/usr/lib64", "/usr/lib"]
        for directory in candidates:
            if os.path.exists(os.path.join(directory, "libhwy.so")):
                return directory
        return None

    def validate(self):
        if self.settings.os not in ("Linux", "FreeBSD"):
            raise ConanInvalidConfiguration("the highway stand-in wraps a Linux system package")
        if not os.path.isfile(_HEADER):
            raise ConanInvalidConfiguration(f"{_HEADER} not found: apt-get install libhwy-dev")
        if self._libdir() is None:
            raise ConanInvalidConfiguration(f"libhwy.so for {self.settings.arch} not found: "
                                            "apt-get install libhwy-dev")

    def package(self):
        copy(self, "copyright", src="/usr/share/doc/libhwy-dev",
             dst=os.path.join(self.package_folder, "licenses"))

    def package_info(self):
        libdir = self._libdir()
        self.cpp_info.includedirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.bindirs = []
        hwy = self.cpp_info.components["hwy"]
        hwy.set_property("pkg_config_name", "libhwy")
        hwy.libs = ["hwy"]
        hwy.libdirs = [libdir]
        # /usr/include is searched by default; see the boost stand-in for why it is not named.
        hwy.includedirs = []
        hwy.bindirs = []
        # Debian builds Highway as a shared library (its own CMake config says the same).
        hwy.defines = ["HWY_SHARED_DEFINE"]
        hwy.system_libs = ["m"]
        contrib = self.cpp_info.components["hwy_contrib"]
        contrib.set_property("pkg_config_name", "libhwy-contrib")
        contrib.libs = ["hwy_contrib"]
        contrib.libdirs = [libdir]
        contrib.includedirs = []
        contrib.bindirs = []
        contrib.requires = ["hwy"]
