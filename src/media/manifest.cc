#include "media/manifest.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sonora::media {

const Rendition* Manifest::Find(std::string_view name) const {
  for (const auto& r : renditions)
    if (r.name == name) return &r;
  return nullptr;
}

Json ManifestToJson(const Manifest& m) {
  Json renditions = Json::array();
  for (const auto& r : m.renditions) {
    Json chunks = Json::array();
    for (const auto& c : r.chunks) {
      chunks.push_back({{"file", c.file_name}, {"start_frame", c.start_frame},
                        {"frames", c.frames}, {"bytes", c.bytes}});
    }
    renditions.push_back({{"name", r.name}, {"codec", r.codec}, {"container", r.container},
                          {"kbps", r.kbps}, {"chunks", std::move(chunks)}});
  }
  return {{"version", 1},
          {"sample_rate", m.sample_rate},
          {"channels", m.channels},
          {"frames", m.frames},
          {"duration_ms", m.duration_ms},
          {"chunk_frames", m.chunk_frames},
          {"renditions", std::move(renditions)}};
}

namespace {

// A SAX handler for nlohmann's parser that fills a Manifest as the text streams by. A stack of
// contexts says where the parser is; values are taken by their member name in a known object.
class ManifestReader {
 public:
  explicit ManifestReader(Manifest& m) : m_(m) {}

  bool null() { return Other(); }
  bool boolean(bool) { return Other(); }
  bool number_integer(Json::number_integer_t v) { return Int(v); }
  bool number_unsigned(Json::number_unsigned_t v) {
    if (v > static_cast<uint64_t>(INT64_MAX)) return Fail("integer out of range");
    return Int(static_cast<int64_t>(v));
  }
  bool number_float(Json::number_float_t, const Json::string_t&) { return Other(); }
  bool binary(Json::binary_t&) { return Other(); }
  bool string(Json::string_t& v) {
    if (!InObject()) return true;
    std::string* field = nullptr;
    if (Top() == Ctx::kRendition) {
      Rendition& r = m_.renditions.back();
      if (key_ == "name") field = &r.name;
      if (key_ == "codec") field = &r.codec;
      if (key_ == "container") field = &r.container;
    } else if (Top() == Ctx::kChunk && key_ == "file") {
      field = &m_.renditions.back().chunks.back().file_name;
    }
    if (field) {
      *field = v;
      return true;
    }
    return Other();
  }
  bool key(Json::string_t& k) {
    key_ = k;
    return true;
  }
  bool start_object(size_t) {
    if (stack_.empty()) return Push(Ctx::kTop);
    if (Top() == Ctx::kRenditions) {
      m_.renditions.emplace_back();
      return Push(Ctx::kRendition);
    }
    if (Top() == Ctx::kChunks) {
      m_.renditions.back().chunks.emplace_back();
      return Push(Ctx::kChunk);
    }
    if (IsKnownMember()) return Fail("'" + key_ + "' has the wrong type");
    return Push(Ctx::kSkip);
  }
  bool start_array(size_t) {
    if (stack_.empty()) return Fail("not an object");
    if (Top() == Ctx::kTop && key_ == "renditions") return Push(Ctx::kRenditions);
    if (Top() == Ctx::kRendition && key_ == "chunks") return Push(Ctx::kChunks);
    if (IsKnownMember()) return Fail("'" + key_ + "' has the wrong type");
    return Push(Ctx::kSkip);
  }
  bool end_object() { return Pop(); }
  bool end_array() { return Pop(); }
  bool parse_error(size_t, const std::string&, const nlohmann::detail::exception& e) {
    return Fail(e.what());
  }

  const std::string& error() const { return error_; }
  bool saw_version_1() const { return version_ == 1; }

 private:
  enum class Ctx { kTop, kRenditions, kRendition, kChunks, kChunk, kSkip };

  Ctx Top() const { return stack_.back(); }
  bool InObject() const {
    return !stack_.empty() &&
           (Top() == Ctx::kTop || Top() == Ctx::kRendition || Top() == Ctx::kChunk);
  }
  bool Push(Ctx c) {
    if (stack_.size() >= 64) return Fail("nested too deeply");
    stack_.push_back(c);
    return true;
  }
  bool Pop() {
    stack_.pop_back();
    return true;
  }
  bool Fail(std::string why) {
    error_ = std::move(why);
    return false;
  }
  // Whether the current member of a known object is one this reader takes.
  bool IsKnownMember() const {
    if (!InObject()) return false;
    static constexpr std::string_view kTop[] = {"version", "sample_rate", "channels", "frames",
                                                "duration_ms", "chunk_frames", "renditions"};
    static constexpr std::string_view kRendition[] = {"name", "codec", "container", "kbps",
                                                      "chunks"};
    static constexpr std::string_view kChunk[] = {"file", "start_frame", "frames", "bytes"};
    auto in = [&](const auto& names) {
      for (std::string_view n : names) {
        if (key_ == n) return true;
      }
      return false;
    };
    switch (Top()) {
      case Ctx::kTop: return in(kTop);
      case Ctx::kRendition: return in(kRendition);
      case Ctx::kChunk: return in(kChunk);
      default: return false;
    }
  }
  // A value that is neither a string nor an integer: wrong for any member this reader takes.
  bool Other() {
    if (IsKnownMember()) return Fail("'" + key_ + "' has the wrong type");
    return true;
  }
  bool Int(int64_t v) {
    if (!InObject()) return true;
    int64_t* field = nullptr;
    switch (Top()) {
      case Ctx::kTop:
        if (key_ == "version") field = &version_;
        if (key_ == "frames") field = &m_.frames;
        if (key_ == "duration_ms") field = &m_.duration_ms;
        if (key_ == "chunk_frames") field = &m_.chunk_frames;
        if (key_ == "sample_rate" || key_ == "channels") {
          if (v < INT32_MIN || v > INT32_MAX) return Fail("'" + key_ + "' is out of range");
          (key_ == "sample_rate" ? m_.sample_rate : m_.channels) = static_cast<int>(v);
          return true;
        }
        break;
      case Ctx::kRendition:
        if (key_ == "kbps") {
          if (v < INT32_MIN || v > INT32_MAX) return Fail("'kbps' is out of range");
          m_.renditions.back().kbps = static_cast<int>(v);
          return true;
        }
        break;
      case Ctx::kChunk: {
        ChunkInfo& c = m_.renditions.back().chunks.back();
        if (key_ == "start_frame") field = &c.start_frame;
        if (key_ == "frames") field = &c.frames;
        if (key_ == "bytes") field = &c.bytes;
        break;
      }
      default:
        break;
    }
    if (field) {
      *field = v;
      return true;
    }
    return Other();
  }

  Manifest& m_;
  std::vector<Ctx> stack_;
  std::string key_;
  std::string error_;
  int64_t version_ = 0;
};

}  // namespace

Result<Manifest> ParseManifest(std::string_view text) {
  Manifest m;
  m.sample_rate = 0;
  m.channels = 0;
  ManifestReader reader(m);
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &reader);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("malformed manifest: ") + e.what());
  }
  if (!ok) return Status::Internal("malformed manifest: " + reader.error());
  if (!reader.saw_version_1()) return Status::Internal("unknown manifest version");
  return m;
}

}  // namespace sonora::media
