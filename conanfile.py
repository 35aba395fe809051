# Conan 2 recipe for ctinfer (header-only). Usage and the offline check: docs/packaging.md.
#
#   conan create . -s compiler.cppstd=20 --build=missing
#
# The package is what `cmake --install` of this project writes (tests, examples and benchmarks
# off), less the CMake package config: Conan's CMakeDeps writes that one for consumers, so
# that the dependencies resolve to whatever the Conan graph holds (ConanCenter's boost and
# highway, or the offline stand-ins in conan/system-recipes/). ctinfer_add_model() reaches
# Conan users as a CMake build module (share/cmake/ctinfer/ctinferAddModel.cmake), which finds
# the converter next to it (share/cmake/ctinfer/tools/), exactly as in a plain install.
import os
import re

from conan import ConanFile
from conan.errors import ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rm, save
from conan.tools.scm import Version

required_conan_version = ">=2.0"


class CtinferConan(ConanFile):
    name = "ctinfer"
    description = ("Header-only C++20 neural-network inference where the model is a type: "
                   "shapes, fusion, memory plan and weight packing at compile time, Highway SIMD "
                   "kernels, no allocation at run time")
    license = "MIT"
    topics = ("neural-network", "inference", "simd", "header-only", "onnx", "real-time-audio")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    # The converter is part of the package: ctinfer_add_model() runs it at the consumer's build.
    exports_sources = ("CMakeLists.txt", "LICENSE", "include/*", "cmake/*",
                       "tools/ctinfer-convert", "tools/ctinfer_convert/*.py")
    no_copy_source = True
    # ctinfer needs only Boost's headers (Hana): do not build Boost's compiled libraries.
    default_options = {"boost/*:header_only": True}

    # The compilers ctinfer is tested with (Debian 12: GCC 12, Clang 14); older versions are
    # refused rather than left to fail deep inside a template. Others pass with a warning.
    _minimum_compilers = {"gcc": "12", "clang": "14"}

    def set_version(self):
        # One source of truth: project(ctinfer VERSION x.y.z ...) in CMakeLists.txt.
        if self.version:
            return
        text = load(self, os.path.join(self.recipe_folder, "CMakeLists.txt"))
        match = re.search(r"project\(\s*ctinfer\s+VERSION\s+([0-9][0-9.]*)", text)
        if not match:
            raise ConanInvalidConfiguration("conanfile.py: no project(ctinfer VERSION ...) "
                                            "in CMakeLists.txt")
        self.version = match.group(1)

    def layout(self):
        # Not "build": that name is the developers' CMake build directory in this repository.
        cmake_layout(self, build_folder="build-conan")

    def requirements(self):
        # Ranges admit Debian 12's versions (Boost 1.74, Highway 1.0.3) and ConanCenter's
        # (boost 1.8x, highway 1.0.x to 1.2.x).
        self.requires("boost/[>=1.74 <2]")
        self.requires("highway/[>=1.0.3 <2]")

    def build_requirements(self):
        # Only for developers who build ctinfer's own tests with Conan's dependencies
        # (`conan install .`, docs/packaging.md); the package build turns the tests off.
        self.test_requires("doctest/[>=2.4.9 <3]")

    def package_id(self):
        self.info.clear()

    def validate(self):
        compiler = str(self.settings.compiler)
        version = self.settings.compiler.get_safe("version")
        if self.settings.compiler.get_safe("cppstd"):
            check_min_cppstd(self, 20)
        minimum = self._minimum_compilers.get(compiler)
        if minimum and version and Version(version) < minimum:
            raise ConanInvalidConfiguration(
                f"ctinfer needs C++20 and is tested with {compiler} >= {minimum}; "
                f"{compiler} {version} is too old")
        if not minimum:
            self.output.warning(f"ctinfer is not tested with {compiler} {version}; "
                                "it needs a complete C++20 implementation")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["CTINFER_INSTALL"] = True
        tc.cache_variables["CTINFER_BUILD_TESTS"] = False
        tc.cache_variables["CTINFER_BUILD_EXAMPLES"] = False
        tc.cache_variables["CTINFER_BUILD_BENCH"] = False
        tc.generate()
        deps = CMakeDeps(self)
        # CMakeLists.txt says find_package(hwy) and links hwy::hwy, the names of Highway's own
        # CMake package; ConanCenter's highway recipe keeps Conan's defaults (find_package(
        # highway), highway::hwy). Map them for this build only.
        deps.set_property("highway", "cmake_file_name", "hwy")
        deps.set_property("highway::hwy", "cmake_target_name", "hwy::hwy")
        deps.generate()

    def build(self):
        # Nothing is compiled: configuring checks that the dependencies are found, and gives
        # the install rules that package() runs.
        cmake = CMake(self)
        cmake.configure()

    def package(self):
        copy(self, "LICENSE", src=self.source_folder,
             dst=os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        cmake_dir = os.path.join(self.package_folder, "share", "cmake", "ctinfer")
        # CMakeDeps generates the package config for Conan consumers; the installed one
        # (find_dependency(hwy), the Debian/upstream names) would not match the Conan graph.
        rm(self, "ctinferConfig*.cmake", cmake_dir)
        rm(self, "ctinferTargets*.cmake", cmake_dir)
        rm(self, "*.pc", self.package_folder, recursive=True)
        # The installed target requires C++20 (cxx_std_20); the generated one does not by
        # itself, so a second build module adds it.
        save(self, os.path.join(cmake_dir, "ctinferConanFeatures.cmake"),
             "# Written by ctinfer's conanfile.py: what the installed ctinferTargets.cmake gives.\n"
             "if(TARGET ctinfer::ctinfer)\n"
             "  set_property(TARGET ctinfer::ctinfer APPEND PROPERTY\n"
             "               INTERFACE_COMPILE_FEATURES cxx_std_20)\n"
             "endif()\n")

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        self.cpp_info.set_property("cmake_file_name", "ctinfer")
        self.cpp_info.set_property("cmake_target_name", "ctinfer::ctinfer")
        self.cpp_info.set_property("pkg_config_name", "ctinfer")
        self.cpp_info.requires = ["boost::headers", "highway::hwy"]
        cmake_dir = os.path.join("share", "cmake", "ctinfer")
        self.cpp_info.set_property("cmake_build_modules", [
            os.path.join(cmake_dir, "ctinferConanFeatures.cmake"),
            os.path.join(cmake_dir, "ctinferAddModel.cmake"),
        ])
