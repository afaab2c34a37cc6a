#include "media/parse_worker.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string_view>
#include <vector>

#include "core/json.h"

extern char** environ;

namespace sonora::media {

namespace {

// Wire format (docs/formats/media-worker.md): "SNW1", u32 LE JSON length, the JSON answer,
// u64 LE blob length, the blob (cover bytes or float PCM).
constexpr char kMagic[4] = {'S', 'N', 'W', '1'};
constexpr uint32_t kMaxJsonBytes = 1 << 20;
constexpr int64_t kMaxCoverBytes = int64_t{64} << 20;
constexpr int64_t kMaxImageInputBytes = int64_t{64} << 20;

// ---- the child ----------------------------------------------------------------------------

bool WriteAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

int Answer(const Json& json, std::string_view blob = {}) {
  const std::string text = DumpJson(json);
  const auto json_len = static_cast<uint32_t>(text.size());
  const auto blob_len = static_cast<uint64_t>(blob.size());
  unsigned char len4[4], len8[8];
  for (int i = 0; i < 4; ++i) len4[i] = static_cast<unsigned char>(json_len >> (8 * i));
  for (int i = 0; i < 8; ++i) len8[i] = static_cast<unsigned char>(blob_len >> (8 * i));
  const bool ok = WriteAll(1, kMagic, 4) && WriteAll(1, len4, 4) &&
                  WriteAll(1, text.data(), text.size()) && WriteAll(1, len8, 8) &&
                  WriteAll(1, blob.data(), blob.size());
  return ok ? 0 : 2;
}

int AnswerError(const Status& s) {
  return Answer({{"ok", false},
                 {"code", std::string(CodeName(s.code()))},
                 {"field", std::string(s.field())},
                 {"message", std::string(s.message())}});
}

void Limit(int resource, rlim_t value) {
  struct rlimit r {
    value, value
  };
  ::setrlimit(resource, &r);
}

Json TagsJson(const TrackTags& t) {
  return {{"title", t.title},
          {"artists", t.artists},
          {"album", t.album},
          {"album_artist", t.album_artist},
          {"track_number", t.track_number},
          {"disc_number", t.disc_number},
          {"date", t.date},
          {"genres", t.genres},
          {"isrc", t.isrc},
          {"explicit", t.explicit_content},
          {"description", t.description},
          {"language", t.language}};
}

// ---- the parent ---------------------------------------------------------------------------

// Reads one answer off the pipe as it arrives: the header, the JSON, the blob length, then the
// blob straight into the memory `blob_dest` hands out (so PCM is never copied twice).
class AnswerReader {
 public:
  AnswerReader(int64_t max_blob, std::function<char*(uint64_t)> blob_dest)
      : max_blob_(max_blob), blob_dest_(std::move(blob_dest)) {}

  // Consumes bytes; false on a malformed or oversized answer.
  bool Feed(const char* p, size_t n) {
    while (n > 0) {
      if (state_ == State::kBlob) {
        const size_t take = std::min<size_t>(n, static_cast<size_t>(blob_len_ - blob_got_));
        std::memcpy(blob_ + blob_got_, p, take);
        blob_got_ += take;
        p += take;
        n -= take;
        if (blob_got_ == blob_len_) state_ = State::kDone;
        continue;
      }
      if (state_ == State::kDone) return false;  // trailing bytes
      const size_t want = Want();
      const size_t take = std::min(n, want - buf_.size());
      buf_.append(p, take);
      p += take;
      n -= take;
      if (buf_.size() == want && !Advance()) return false;
    }
    return true;
  }
  bool done() const { return state_ == State::kDone; }
  const std::string& json() const { return json_; }
  uint64_t blob_size() const { return blob_len_; }

 private:
  enum class State { kHeader, kJson, kBlobLength, kBlob, kDone };
  size_t Want() const {
    switch (state_) {
      case State::kHeader:
        return 8;
      case State::kJson:
        return json_len_;
      case State::kBlobLength:
        return 8;
      default:
        return 0;
    }
  }
  bool Advance() {
    const auto* u = reinterpret_cast<const unsigned char*>(buf_.data());
    switch (state_) {
      case State::kHeader:
        if (std::memcmp(buf_.data(), kMagic, 4) != 0) return false;
        json_len_ = 0;
        for (int i = 0; i < 4; ++i) json_len_ |= static_cast<uint32_t>(u[4 + i]) << (8 * i);
        if (json_len_ == 0 || json_len_ > kMaxJsonBytes) return false;
        state_ = State::kJson;
        break;
      case State::kJson:
        json_ = buf_;
        state_ = State::kBlobLength;
        break;
      case State::kBlobLength:
        blob_len_ = 0;
        for (int i = 0; i < 8; ++i) blob_len_ |= static_cast<uint64_t>(u[i]) << (8 * i);
        if (blob_len_ > static_cast<uint64_t>(max_blob_)) return false;
        blob_ = blob_len_ > 0 ? blob_dest_(blob_len_) : nullptr;
        if (blob_len_ > 0 && blob_ == nullptr) return false;
        state_ = blob_len_ > 0 ? State::kBlob : State::kDone;
        break;
      default:
        return false;
    }
    buf_.clear();
    return true;
  }

  int64_t max_blob_;
  std::function<char*(uint64_t)> blob_dest_;
  State state_ = State::kHeader;
  std::string buf_, json_;
  uint32_t json_len_ = 0;
  uint64_t blob_len_ = 0, blob_got_ = 0;
  char* blob_ = nullptr;
};

struct Pipe {
  int read = -1, write = -1;
  ~Pipe() {
    if (read >= 0) ::close(read);
    if (write >= 0) ::close(write);
  }
};

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::vector<std::string> LimitArgs(const DecodeLimits& limits) {
  return {"--max-file-bytes",  std::to_string(limits.max_file_bytes),
          "--max-duration-ms", std::to_string(limits.max_duration_ms),
          "--max-decode-ms",   std::to_string(limits.max_decode_time.count())};
}

// Runs `binary media-worker ARGS`, feeding `input` on its stdin, and reads its answer into
// `reader` within `deadline`. Returns the answer's JSON object.
Result<Json> RunWorker(const WorkerOptions& worker, const std::vector<std::string>& args,
                       std::string_view input, std::chrono::milliseconds deadline,
                       AnswerReader& reader) {
  Pipe out, in;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return Status::Unavailable("pipe: " + std::string(std::strerror(errno)));
  out.read = fds[0];
  out.write = fds[1];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return Status::Unavailable("pipe: " + std::string(std::strerror(errno)));
  in.read = fds[0];
  in.write = fds[1];

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> all = {worker.binary, "media-worker"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc =
      ::posix_spawn(&pid, worker.binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    return Status::Unavailable("cannot start the media worker " + worker.binary + ": " +
                               std::strerror(rc));
  CloseFd(in.read);
  CloseFd(out.write);
  ::fcntl(out.read, F_SETFL, O_NONBLOCK);
  ::fcntl(in.write, F_SETFL, O_NONBLOCK);
  if (input.empty()) CloseFd(in.write);

  const auto until = std::chrono::steady_clock::now() + deadline;
  size_t sent = 0;
  bool eof = false, malformed = false, timed_out = false;
  std::vector<char> buf(1 << 16);
  while (!eof) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p[2] = {{out.read, POLLIN, 0}, {in.write, POLLOUT, 0}};
    const int n =
        ::poll(p, in.write >= 0 ? 2 : 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) break;
    if (in.write >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t w = ::write(in.write, input.data() + sent, input.size() - sent);
      if (w > 0) sent += static_cast<size_t>(w);
      if (w < 0 && errno != EAGAIN && errno != EINTR) sent = input.size();  // child closed stdin
      if (sent == input.size()) CloseFd(in.write);
    }
    if (p[0].revents & (POLLIN | POLLERR | POLLHUP)) {
      const ssize_t r = ::read(out.read, buf.data(), buf.size());
      if (r == 0) {
        eof = true;
      } else if (r > 0 && !reader.Feed(buf.data(), static_cast<size_t>(r))) {
        malformed = true;
        break;
      }
    }
  }
  if (timed_out || malformed) ::kill(pid, SIGKILL);
  int status = 0;
  // The child exits right after closing its output; wait for it within the deadline too.
  while (true) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid || (w < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= until && !timed_out) {
      timed_out = true;
      ::kill(pid, SIGKILL);
    }
    ::usleep(1000);
  }
  if (timed_out) {
    return Status::DeadlineExceeded("the media worker ran past " +
                                    std::to_string(deadline.count() / 1000) + " s and was killed");
  }
  if (WIFSIGNALED(status)) {
    return Status::InvalidArgument("file", "the media worker died on this file (signal " +
                                               std::to_string(WTERMSIG(status)) + ")");
  }
  if (malformed || !reader.done()) {
    return Status::InvalidArgument("file", "the media worker gave no usable answer (exit " +
                                               std::to_string(WEXITSTATUS(status)) + ")");
  }
  SONORA_ASSIGN_OR_RETURN(Json answer, ParseJsonObject(reader.json()));
  if (answer.value("ok", false)) return answer;
  const std::string code = answer.value("code", "");
  const std::string message = answer.value("message", "");
  if (code == CodeName(Code::kNotFound)) return Status::NotFound(message);
  if (code == CodeName(Code::kDeadlineExceeded)) return Status::DeadlineExceeded(message);
  if (code == CodeName(Code::kInvalidArgument)) {
    return Status::InvalidArgument(answer.value("field", "file"), message);
  }
  return Status::Internal("media worker: " + message);
}

std::chrono::milliseconds Deadline(const DecodeLimits& limits, const WorkerOptions& worker) {
  return limits.max_decode_time + worker.grace;
}

}  // namespace

Result<ParsedMaster> ParseMaster(const std::string& path, const DecodeLimits& limits,
                                 const WorkerOptions& worker) {
  ParsedMaster out;
  if (worker.binary.empty()) {
    SONORA_ASSIGN_OR_RETURN(out.probe, ProbeFile(path, limits));
    if (auto tags = ReadTags(path); tags.ok()) out.tags = std::move(*tags);
    if (auto cover = ExtractEmbeddedCover(path); cover.ok() && *cover)
      out.cover_bytes = std::move(**cover);
    return out;
  }
  std::string cover;
  AnswerReader reader(kMaxCoverBytes, [&cover](uint64_t n) {
    cover.resize(n);
    return cover.data();
  });
  std::vector<std::string> args = {"probe"};
  for (auto& a : LimitArgs(limits)) args.push_back(std::move(a));
  args.insert(args.end(), {"--", path});
  SONORA_ASSIGN_OR_RETURN(Json a, RunWorker(worker, args, {}, Deadline(limits, worker), reader));
  const Json& p = a["probe"];
  out.probe.container = p.value("container", "");
  out.probe.codec = p.value("codec", "");
  out.probe.sample_rate = p.value("sample_rate", 0);
  out.probe.channels = p.value("channels", 0);
  out.probe.bit_rate = p.value("bit_rate", int64_t{0});
  out.probe.duration_ms = p.value("duration_ms", int64_t{0});
  out.probe.has_embedded_cover = p.value("has_embedded_cover", false);
  if (a.contains("tags") && a["tags"].is_object()) {
    const Json& t = a["tags"];
    TrackTags tags;
    tags.title = t.value("title", "");
    tags.artists = t.value("artists", std::vector<std::string>{});
    tags.album = t.value("album", "");
    tags.album_artist = t.value("album_artist", "");
    tags.track_number = t.value("track_number", 0);
    tags.disc_number = t.value("disc_number", 0);
    tags.date = t.value("date", "");
    tags.genres = t.value("genres", std::vector<std::string>{});
    tags.isrc = t.value("isrc", "");
    tags.explicit_content = t.value("explicit", false);
    tags.description = t.value("description", "");
    tags.language = t.value("language", "");
    out.tags = std::move(tags);
  }
  if (reader.blob_size() > 0) out.cover_bytes = std::move(cover);
  return out;
}

Result<PcmBuffer> DecodeMaster(const std::string& path, const DecodeLimits& limits,
                               const WorkerOptions& worker) {
  if (worker.binary.empty()) return DecodeFile(path, limits);
  PcmBuffer pcm;
  // The most PCM the duration cap allows, plus a second of slack.
  const int64_t max_bytes = (limits.max_duration_ms / 1000 + 1) * kPipelineSampleRate * 2 *
                            static_cast<int64_t>(sizeof(float));
  AnswerReader reader(max_bytes, [&pcm](uint64_t n) -> char* {
    if (n % sizeof(float) != 0) return nullptr;
    pcm.samples.resize(n / sizeof(float));
    return reinterpret_cast<char*>(pcm.samples.data());
  });
  std::vector<std::string> args = {"decode"};
  for (auto& a : LimitArgs(limits)) args.push_back(std::move(a));
  args.insert(args.end(), {"--", path});
  SONORA_ASSIGN_OR_RETURN(Json a, RunWorker(worker, args, {}, Deadline(limits, worker), reader));
  pcm.sample_rate = a.value("sample_rate", 0);
  pcm.channels = a.value("channels", 0);
  if (pcm.sample_rate <= 0 || pcm.channels <= 0 ||
      pcm.samples.size() % static_cast<size_t>(pcm.channels) != 0) {
    return Status::InvalidArgument("file", "the media worker's PCM is malformed");
  }
  return pcm;
}

Status ScaleArtworkIsolated(const std::string& image_bytes, int size, const std::string& out_path,
                            const WorkerOptions& worker) {
  if (worker.binary.empty()) return ScaleArtwork(image_bytes, size, out_path);
  if (static_cast<int64_t>(image_bytes.size()) > kMaxImageInputBytes) {
    return Status::InvalidArgument("image",
                                   "over " + std::to_string(kMaxImageInputBytes >> 20) + " MiB");
  }
  AnswerReader reader(0, [](uint64_t) { return nullptr; });
  auto a = RunWorker(worker, {"artwork", "--size", std::to_string(size), "--", out_path},
                     image_bytes, std::chrono::milliseconds(30'000) + worker.grace, reader);
  return a.status();
}

int RunMediaWorker(int argc, char** argv) {
  if (argc < 1) return 64;
  const std::string mode = argv[0];
  DecodeLimits limits;
  int size = 0;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--" && i + 1 < argc) {
      path = argv[i + 1];
      break;
    }
    if (i + 1 >= argc) return 64;
    const long long v = std::atoll(argv[++i]);
    if (arg == "--max-file-bytes")
      limits.max_file_bytes = v;
    else if (arg == "--max-duration-ms")
      limits.max_duration_ms = v;
    else if (arg == "--max-decode-ms")
      limits.max_decode_time = std::chrono::milliseconds(v);
    else if (arg == "--size")
      size = static_cast<int>(v);
    else
      return 64;
  }
  if (path.empty()) return 64;

  // Caps before anything reads the file: no core dumps; CPU time a little over the decode cap;
  // address space for the largest PCM the duration cap allows (twice, for vector growth) plus
  // the libraries; no file writes except the artwork output.
  Limit(RLIMIT_CORE, 0);
  Limit(RLIMIT_CPU, static_cast<rlim_t>(limits.max_decode_time.count() / 1000 + 10));
  const int64_t pcm_bytes = (limits.max_duration_ms / 1000 + 1) * kPipelineSampleRate * 2 *
                            static_cast<int64_t>(sizeof(float));
  Limit(RLIMIT_AS,
        static_cast<rlim_t>((mode == "decode" ? 2 * pcm_bytes : 0) + (int64_t{1} << 30)));
  Limit(RLIMIT_FSIZE, mode == "artwork" ? static_cast<rlim_t>(64) << 20 : 0);

  // Fault injection for the tests of the parent's side (tests/media/parse_worker_test.cc).
  if (const char* fault = std::getenv("SONORA_MEDIA_WORKER_FAULT")) {
    if (std::string_view(fault) == "crash") ::raise(SIGSEGV);
    if (std::string_view(fault) == "hang") {
      while (true) ::pause();
    }
  }

  if (mode == "probe") {
    auto probe = ProbeFile(path, limits);
    if (!probe.ok()) return AnswerError(probe.status());
    Json answer = {{"ok", true},
                   {"probe",
                    {{"container", probe->container},
                     {"codec", probe->codec},
                     {"sample_rate", probe->sample_rate},
                     {"channels", probe->channels},
                     {"bit_rate", probe->bit_rate},
                     {"duration_ms", probe->duration_ms},
                     {"has_embedded_cover", probe->has_embedded_cover}}},
                   {"tags", nullptr}};
    if (auto tags = ReadTags(path); tags.ok()) answer["tags"] = TagsJson(*tags);
    std::string cover;
    if (auto c = ExtractEmbeddedCover(path);
        c.ok() && *c && static_cast<int64_t>((*c)->size()) <= kMaxCoverBytes) {
      cover = std::move(**c);
    }
    return Answer(answer, cover);
  }
  if (mode == "decode") {
    auto pcm = DecodeFile(path, limits);
    if (!pcm.ok()) return AnswerError(pcm.status());
    return Answer({{"ok", true}, {"sample_rate", pcm->sample_rate}, {"channels", pcm->channels}},
                  std::string_view(reinterpret_cast<const char*>(pcm->samples.data()),
                                   pcm->samples.size() * sizeof(float)));
  }
  if (mode == "artwork") {
    std::string image;
    char buf[1 << 16];
    while (true) {
      const ssize_t r = ::read(0, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      image.append(buf, static_cast<size_t>(r));
      if (static_cast<int64_t>(image.size()) > kMaxImageInputBytes) {
        return AnswerError(Status::InvalidArgument("image", "too large"));
      }
    }
    Status s = ScaleArtwork(image, size, path);
    return s.ok() ? Answer({{"ok", true}}) : AnswerError(s);
  }
  return 64;
}

}  // namespace sonora::media
