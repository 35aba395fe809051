# Conan 2 test package for ctinfer: builds CMakeLists.txt here against the package just
# created and runs it. The same CMakeLists.txt also builds against a plain `cmake --install`
# of ctinfer (scripts/test-conan.sh without Conan). Its build folder is test_package/build/
# unless -c tools.cmake.cmake_layout:test_folder=<dir> (or =$TMP) says otherwise.
import os

from conan import ConanFile
from conan.tools.build import can_run
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout


class CtinferTestPackageConan(ConanFile):
    settings = "os", "arch", "compiler", "build_type"

    def requirements(self):
        self.requires(self.tested_reference_str)

    def layout(self):
        cmake_layout(self)

    def generate(self):
        CMakeDeps(self).generate()
        tc = CMakeToolchain(self)
        tc.user_presets_path = False  # no CMakeUserPresets.json in the source tree
        tc.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def test(self):
        if can_run(self):
            self.run(os.path.join(self.cpp.build.bindir, "test_package"), env="conanrun")
