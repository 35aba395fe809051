# Offline stand-in for ConanCenter's boost: wraps the Boost headers a system package installed
# (Debian: libboost-dev, Boost 1.74, in /usr/include). Builds and downloads nothing. It gives
# what ctinfer's recipe uses of ConanCenter's boost: find_package(Boost), the component
# "headers" (target Boost::headers), the option header_only. See docs/packaging.md.
#
#   conan export conan/system-recipes/boost      (the version is read from boost/version.hpp)
import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.files import copy, load

required_conan_version = ">=2.0"

_INCLUDE_DIR = "/usr/include"


class BoostSystemConan(ConanFile):
    name = "boost"
    description = "Stand-in for boost: the system's Boost headers (Debian libboost-dev)"
    license = "BSL-1.0"
    package_type = "header-library"
    # Only the headers are wrapped; the option exists because consumers set it for
    # ConanCenter's boost (ctinfer: boost/*:header_only=True).
    options = {"header_only": [True]}
    default_options = {"header_only": True}

    @property
    def _version_header(self):
        return os.path.join(_INCLUDE_DIR, "boost", "version.hpp")

    def set_version(self):
        if self.version:
            return
        if not os.path.isfile(self._version_header):
            raise ConanInvalidConfiguration(f"{self._version_header} not found: "
                                            "install the Boost headers (apt-get install libboost-dev)")
        match = re.search(r"#define\s+BOOST_VERSION\s+(\d+)", load(self, self._version_header))
        number = int(match.group(1))
        self.version = f"{number // 100000}.{number // 100 % 1000}.{number % 100}"

    def package_id(self):
        self.info.clear()

    def validate(self):
        if not os.path.isfile(self._version_header):
            raise ConanInvalidConfiguration(f"{self._version_header} not found: "
                                            "install the Boost headers (apt-get install libboost-dev)")

    def package(self):
        copy(self, "copyright", src="/usr/share/doc/libboost-dev",
             dst=os.path.join(self.package_folder, "licenses"))

    def package_info(self):
        # The same names as ConanCenter's boost.
        self.cpp_info.set_property("cmake_file_name", "Boost")
        self.cpp_info.set_property("cmake_target_name", "Boost::boost")
        headers = self.cpp_info.components["headers"]
        headers.set_property("cmake_target_name", "Boost::headers")
        headers.set_property("pkg_config_name", "boost")
        # The headers are in the compiler's default search path (/usr/include); naming that
        # directory with -I/-isystem would break libstdc++'s #include_next, so none is given.
        headers.includedirs = []
        headers.libdirs = []
        headers.bindirs = []
        self.cpp_info.includedirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.bindirs = []
