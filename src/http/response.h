// Response: what a handler returns. JSON is the default body; a file slice (for media, with a
// byte range) is added by the streaming issue.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"

namespace sonora::http {

// A byte slice of a file on disk, sent with sendfile(2) by the server: the file never passes
// through user space. `path` comes from the catalog and the media store, never from a request.
struct FileSlice {
  std::string path;
  int64_t offset = 0;
  int64_t length = 0;
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
