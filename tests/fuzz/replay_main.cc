// The driver the fuzz targets link when they are not built with libFuzzer (the default GCC
// build, and so `make test`): it runs the target on every file of the corpus directories given
// on the command line, then on mutations of those files made by a seeded generator (bit flips,
// byte insertions and deletions, truncations, splices of two inputs, runs of one byte), so a
// regression in a parser fails CI without clang. `make fuzz` builds the same targets with
// libFuzzer and the address and undefined-behaviour sanitizers and explores for real.
//
// Usage: fuzz_NAME [--mutations N] CORPUS_DIR_OR_FILE...   (N per corpus input, default 2000)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void Run(const std::string& input) {
  // A copy the exact size of the input, so the sanitizers of a GCC build with
  // -fsanitize=address would see any read past its end.
  std::vector<uint8_t> bytes(input.begin(), input.end());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

std::string Mutate(const std::vector<std::string>& corpus, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
  std::string s = corpus[pick(corpus.size())];
  const int edits = 1 + static_cast<int>(pick(8));
  for (int e = 0; e < edits; ++e) {
    switch (pick(7)) {
      case 0:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:  // insert a byte, often an interesting one
      {
        static constexpr char kInteresting[] = {'\0', '\n', '\r', '[', ']', ':', '.',  '-', '=',
                                                ',',  '"',  '{',  '}', '%', '/', '\\', '9', '\xff'};
        const char c =
            pick(2) ? kInteresting[pick(sizeof(kInteresting))] : static_cast<char>(pick(256));
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)), c);
        break;
      }
      case 2:  // delete a byte
        if (!s.empty()) s.erase(pick(s.size()), 1);
        break;
      case 3:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 4:  // splice another input in
      {
        const std::string& other = corpus[pick(corpus.size())];
        const size_t from = pick(other.size() + 1);
        s.insert(pick(s.size() + 1), other.substr(from, pick(other.size() - from + 1)));
        break;
      }
      case 5:  // a run of one byte (long numbers, deep nesting, long lines)
        s.insert(pick(s.size() + 1),
                 std::string(1 + pick(300), s.empty() ? '9' : s[pick(s.size())]));
        break;
      default:  // duplicate a slice
        if (!s.empty()) {
          const size_t from = pick(s.size());
          s.insert(pick(s.size() + 1), s.substr(from, 1 + pick(s.size() - from)));
        }
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 2000;
  std::vector<std::string> corpus;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mutations" && i + 1 < argc) {
      mutations = std::strtol(argv[++i], nullptr, 10);
      continue;
    }
    const std::filesystem::path p(arg);
    if (std::filesystem::is_directory(p)) {
      for (const auto& entry : std::filesystem::directory_iterator(p)) {
        if (entry.is_regular_file()) corpus.push_back(ReadFile(entry.path()));
      }
    } else {
      corpus.push_back(ReadFile(p));
    }
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "usage: %s [--mutations N] CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  for (const std::string& input : corpus) Run(input);
  std::mt19937_64 rng(20261124);
  const long total = mutations * static_cast<long>(corpus.size());
  for (long i = 0; i < total; ++i) Run(Mutate(corpus, rng));
  std::printf("%zu corpus inputs and %ld mutations passed\n", corpus.size(), total);
  return 0;
}
