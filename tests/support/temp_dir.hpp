// temp_dir.hpp: RAII temporary directory under /tmp, one per test, removed on destruction.
#pragma once

#include <filesystem>
#include <string_view>

namespace csms_test {

/// A fresh directory made with mkdtemp(3) under /tmp.
///
/// The destructor removes it recursively, unless the environment variable CSMSD_TEST_KEEP_TMP is set, in which
/// case it is left behind for post-mortem inspection.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "csmsd-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// path() / name.
  std::filesystem::path operator/(std::string_view name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace csms_test
