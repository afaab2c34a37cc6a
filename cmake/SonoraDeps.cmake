# The one place that finds third-party dependencies. Everything comes from Debian bookworm
# packages installed by scripts/install-deps; nothing is downloaded at configure time.
find_package(Threads REQUIRED)
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG)  # libboost1.81-dev: Beast with message_generator
find_package(nlohmann_json 3.11 REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
find_package(toml11 REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(fmt REQUIRED CONFIG)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(LIBAV REQUIRED IMPORTED_TARGET libavformat libavcodec libavutil libswresample libswscale)
pkg_check_modules(TAGLIB REQUIRED IMPORTED_TARGET taglib)
pkg_check_modules(EBUR128 REQUIRED IMPORTED_TARGET libebur128)
pkg_check_modules(CHROMAPRINT REQUIRED IMPORTED_TARGET libchromaprint)
pkg_check_modules(FFTW3F REQUIRED IMPORTED_TARGET fftw3f)
pkg_check_modules(XAPIAN REQUIRED IMPORTED_TARGET xapian-core)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)  # libeigen3-dev: ALS solver for recommendations
# libhnswlib-dev is header-only and ships no CMake or pkg-config file.
find_path(HNSWLIB_INCLUDE_DIR hnswlib/hnswlib.h REQUIRED)
add_library(sonora_hnswlib INTERFACE)
target_include_directories(sonora_hnswlib SYSTEM INTERFACE ${HNSWLIB_INCLUDE_DIR})

if(SONORA_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
if(SONORA_BUILD_BENCH)
  find_package(benchmark REQUIRED CONFIG)
endif()

# Boost.Asio/Beast are header-only in 1.81; this target carries the include path and the
# defines we want everywhere Beast is used (only http/server, client/internal and tests).
add_library(sonora_boost INTERFACE)
target_link_libraries(sonora_boost INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(sonora_boost INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
