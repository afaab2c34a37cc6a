// Response: what a handler returns. JSON is the default body; a file slice (for media, with a
// byte range) is added by the streaming issue.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"

namespace sonora::http {

// A file its owner keeps open across many responses (hot media files): the server sends from
// it and leaves it open. Closed when the last reference goes.
class OpenFile {
 public:
  explicit OpenFile(int fd) noexcept : fd_(fd) {}
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// A byte slice of a file on disk, sent with sendfile(2) by the server: the file never passes
// through user space. `path` comes from the catalog and the media store, never from a request.
// With `open` set the server sends from that descriptor instead of opening `path`.
struct FileSlice {
  std::string path;
  int64_t offset = 0;
  int64_t length = 0;
  std::shared_ptr<const OpenFile> open;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<FileSlice> file;  // when set, sent instead of `body`

  static Response Json(int status, const sonora::Json& body);
  static Response NoContent();
  static Response Text(int status, std::string content_type, std::string body);

  // Replaces a header of the same (case-insensitive) name.
  void SetHeader(std::string_view name, std::string value);
  std::string_view GetHeader(std::string_view name) const;
};

}  // namespace sonora::http
