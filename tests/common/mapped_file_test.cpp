// MappedFile: a regular file's bytes exactly (mapped), an empty file, a FIFO (read, not mapped),
// and a missing file refused with io_error naming it.
#include "common/mapped_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace maillage {
namespace {

namespace fs = std::filesystem;

class MappedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("maillage-mapped-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) {
    const auto p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  fs::path dir_;
};

TEST_F(MappedFileTest, RegularFileGivesItsBytesIncludingNulAndNoTrailingExtra) {
  std::string bytes = "origine,destination,minutes\n57463,57480,12.5\n";
  bytes.push_back('\0');
  bytes += "fin";
  auto f = MappedFile::open(write("od.csv", bytes));
  ASSERT_TRUE(f) << f.error().describe();
  EXPECT_EQ(f->text(), bytes);
  // Moving keeps the bytes; the moved-from object is empty.
  MappedFile moved = std::move(*f);
  EXPECT_EQ(moved.text(), bytes);
  EXPECT_TRUE(f->text().empty());
}

TEST_F(MappedFileTest, EmptyFileIsEmptyText) {
  auto f = MappedFile::open(write("vide.csv", ""));
  ASSERT_TRUE(f) << f.error().describe();
  EXPECT_TRUE(f->text().empty());
}

TEST_F(MappedFileTest, FifoIsReadToTheEnd) {
  const auto p = (dir_ / "tube").string();
  ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0);
  const std::string bytes(200000, 'x');  // more than one read() and the pipe's buffer
  std::thread writer([&] { std::ofstream(p, std::ios::binary) << bytes; });
  auto f = MappedFile::open(p);
  writer.join();
  ASSERT_TRUE(f) << f.error().describe();
  EXPECT_EQ(f->text().size(), bytes.size());
  EXPECT_EQ(f->text(), bytes);
}

TEST_F(MappedFileTest, MissingFileIsAnIoErrorNamingIt) {
  const auto p = (dir_ / "absent.csv").string();
  auto f = MappedFile::open(p);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, ErrorCode::io_error);
  EXPECT_EQ(f.error().file, p);
  EXPECT_NE(f.error().message.find("absent.csv"), std::string::npos);
}

}  // namespace
}  // namespace maillage
