#include "media/manifest.h"

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

Result<Manifest> ManifestFromJson(const Json& j) try {
  if (!j.is_object() || j.value("version", 0) != 1) {
    return Status::Internal("unknown manifest version");
  }
  Manifest m;
  m.sample_rate = j.value("sample_rate", 0);
  m.channels = j.value("channels", 0);
  m.frames = j.value("frames", int64_t{0});
  m.duration_ms = j.value("duration_ms", int64_t{0});
  m.chunk_frames = j.value("chunk_frames", int64_t{0});
  for (const auto& r : j.value("renditions", Json::array())) {
    Rendition out;
    out.name = r.value("name", "");
    out.codec = r.value("codec", "");
    out.container = r.value("container", "");
    out.kbps = r.value("kbps", 0);
    for (const auto& c : r.value("chunks", Json::array())) {
      out.chunks.push_back({c.value("file", ""), c.value("start_frame", int64_t{0}),
                            c.value("frames", int64_t{0}), c.value("bytes", int64_t{0})});
    }
    m.renditions.push_back(std::move(out));
  }
  return m;
} catch (const std::exception& e) {
  return Status::Internal(std::string("malformed manifest: ") + e.what());
}

}  // namespace sonora::media
