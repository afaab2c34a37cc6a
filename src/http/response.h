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

// Header fields in order, as name and value.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Fields many responses send alike (a media file's validators and caching policy), built once
// by their owner and shared, with their wire form formatted once too.
class SharedHeaders {
 public:
  explicit SharedHeaders(HeaderList fields);
  const HeaderList& fields() const { return fields_; }
  // "Name: value\r\n" for each field, in order; a field whose name or value holds CR, LF or
  // NUL is left out.
  std::string_view wire() const { return wire_; }
  // Whether a field of this (case-insensitive) name is among them.
  bool Has(std::string_view name) const;

 private:
  HeaderList fields_;
  std::string wire_;
};

// Whether `s` may appear in a header field (no CR, LF or NUL).
bool IsFieldSafe(std::string_view s);
// Whether two field names are the same name (names compare case-insensitively).
bool SameFieldName(std::string_view a, std::string_view b);

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  HeaderList headers;
  // Written before `headers`; a field of the same name in `headers` takes its place.
  std::shared_ptr<const SharedHeaders> shared_headers;
  std::string body;
  std::optional<FileSlice> file;  // when set, sent instead of `body`

  static Response Json(int status, const sonora::Json& body);
  static Response NoContent();
  static Response Text(int status, std::string content_type, std::string body);

  // Replaces a header of the same (case-insensitive) name, shared ones included.
  void SetHeader(std::string_view name, std::string value);
  // The field by (case-insensitive) name: from `headers`, else from `shared_headers`.
  std::string_view GetHeader(std::string_view name) const;
};

}  // namespace sonora::http
