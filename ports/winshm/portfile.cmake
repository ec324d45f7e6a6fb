# An overlay port that builds from this repository:
#   vcpkg install winshm --overlay-ports=<this repository>/ports
# For a registry, replace SOURCE_PATH with vcpkg_from_git() at a release tag.
set(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../..")

set(VCPKG_BUILD_TYPE release) # header only: nothing differs between configurations
vcpkg_cmake_configure(
    SOURCE_PATH "${SOURCE_PATH}"
    OPTIONS -DWINSHM_BUILD_TESTS=OFF -DWINSHM_BUILD_EXAMPLES=OFF -DWINSHM_INSTALL=ON
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup(CONFIG_PATH share/cmake/winshm)
vcpkg_fixup_pkgconfig()
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
