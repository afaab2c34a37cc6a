#include "media/demo_library.h"

#include <array>
#include <atomic>
#include <mutex>
#include <thread>
#include <filesystem>
#include <fstream>
#include <random>

#include "media/codec.h"
#include "media/synth/synth.h"
#include "media/tags.h"

namespace sonora::media {

namespace fs = std::filesystem;

namespace {

struct DemoArtist {
  const char* name;
  const char* album;
  const char* genre;
  double bpm_low, bpm_high;
  double energy;
  bool mostly_major;
};

// Eight artists across genres; their tempo ranges and energy set the features recommendations
// will later work from.
constexpr std::array<DemoArtist, 8> kArtists = {{
    {"Neon Harbor", "Night Signals", "electronic", 118, 132, 0.85, false},
    {"The Paper Lanterns", "Quiet Rooms", "indie", 88, 110, 0.5, true},
    {"Mila Okafor", "Amber Fields", "folk", 70, 96, 0.3, true},
    {"Static Orchard", "Voltage", "rock", 120, 150, 0.9, false},
    {"Velvet Comet", "Slow Orbit", "ambient", 60, 80, 0.15, true},
    {"Kai Moreno", "Corner Stories", "hip-hop", 84, 98, 0.7, false},
    {"Golden Tide", "Summer Parade", "pop", 100, 124, 0.75, true},
    {"Iris Lindqvist", "Blue Hours", "jazz", 90, 140, 0.45, false},
}};
constexpr std::array<const char*, 12> kWords = {"Lights", "Drift", "Signal", "Morning", "Echoes",
                                                "Paper", "River", "Glass", "Satellite", "Home",
                                                "Ember", "Skyline"};
constexpr std::array<const char*, 12> kKeyNames = {"C", "C#", "D", "Eb", "E", "F",
                                                   "F#", "G", "Ab", "A", "Bb", "B"};

std::string TwoDigits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// A few timed lines so the lyrics feature has something to show.
std::string DemoLrc(const std::string& title, double seconds) {
  std::string out = "[ti:" + title + "]\n";
  int line = 0;
  for (double t = 2; t < seconds - 2; t += 6, ++line) {
    int m = static_cast<int>(t) / 60, s = static_cast<int>(t) % 60;
    out += "[" + TwoDigits(m) + ":" + TwoDigits(s) + ".00]" + std::string(kWords[static_cast<size_t>(line) % kWords.size()]) +
           " in the " + kWords[static_cast<size_t>(line + 5) % kWords.size()] + "\n";
  }
  return out;
}

// Renders one master with its tags (and every other one a .lrc), unless it exists.
Status WriteMaster(const DemoTrackSpec& t, size_t i, size_t per_artist, uint64_t seed) {
  std::error_code ec;
  fs::create_directories(fs::path(t.path).parent_path(), ec);
  if (ec) return Status::Unavailable("cannot create " + fs::path(t.path).parent_path().string());
  if (fs::exists(t.path, ec)) return Status();
  const DemoArtist& artist = kArtists[i / per_artist % kArtists.size()];
  synth::SongSpec song{.bpm = t.bpm, .key = t.key, .major = t.major, .seconds = t.seconds,
                       .beats_per_bar = 4, .energy = artist.energy, .seed = seed + i};
  PcmBuffer pcm = synth::Song(song);
  const std::string tmp = t.path + ".part.flac";
  SONORA_RETURN_IF_ERROR(WriteAudioFile(pcm, tmp));
  TrackTags tags;
  tags.title = t.title;
  tags.artists = {t.artist};
  tags.album = t.album;
  tags.album_artist = t.artist;
  tags.track_number = static_cast<int>(i % per_artist) + 1;
  tags.date = std::to_string(2015 + static_cast<int>(i / per_artist)) + "-06-01";
  tags.genres = {artist.genre};
  SONORA_RETURN_IF_ERROR(WriteTags(tmp, tags));
  fs::rename(tmp, t.path, ec);
  if (ec) return Status::Unavailable("cannot write " + t.path);
  if (i % 2 == 0) std::ofstream(fs::path(t.path).replace_extension(".lrc")) << DemoLrc(t.title, t.seconds);
  return Status();
}

struct DemoShow {
  const char* title;
  const char* publisher;
  const char* language;
  std::array<const char*, 10> episodes;
  const char* topic;  // for descriptions
};

constexpr std::array<DemoShow, 2> kShows = {{
    {"The Signal Path",
     "Harbor Audio Collective",
     "en",
     {"Tape Machines and Tube Warmth", "Why Loudness Wars Ended", "Building a Home Studio",
      "The Sound of Old Radio", "Microphones Explained", "Mixing for Headphones",
      "Vinyl Mastering", "Field Recording at Dawn", "Synthesizers Then and Now",
      "Listening Rooms"},
     "audio engineering"},
    {"Kitchen Table Science",
     "Open Window Media",
     "en",
     {"Why Bread Rises", "The Chemistry of Caramel", "Freezing Point Puzzles",
      "Fermentation Basics", "Salt and Sweetness", "Cast Iron Care", "Coffee Extraction",
      "The Physics of Popcorn", "Emulsions Everywhere", "Spice Routes"},
     "everyday science"},
}};

Status WriteEpisodeMaster(const DemoEpisodeSpec& e, const DemoShow& show, uint64_t seed) {
  std::error_code ec;
  fs::create_directories(fs::path(e.path).parent_path(), ec);
  if (ec) return Status::Unavailable("cannot create " + fs::path(e.path).parent_path().string());
  if (fs::exists(e.path, ec)) return Status();
  PcmBuffer pcm = synth::SpeechLike(e.seconds, seed);
  const std::string tmp = e.path + ".part.flac";
  SONORA_RETURN_IF_ERROR(WriteAudioFile(pcm, tmp));
  TrackTags tags;
  tags.title = e.title;
  tags.artists = {e.publisher};
  tags.album = e.show;
  tags.album_artist = e.publisher;
  tags.track_number = e.number;
  tags.date = e.date;
  tags.genres = {"Podcast"};
  tags.description = e.description;
  tags.language = show.language;
  SONORA_RETURN_IF_ERROR(WriteTags(tmp, tags));
  fs::rename(tmp, e.path, ec);
  if (ec) return Status::Unavailable("cannot write " + e.path);
  return Status();
}

}  // namespace

Result<std::vector<DemoEpisodeSpec>> WriteDemoPodcasts(const std::string& dir,
                                                       const DemoPodcastOptions& options) {
  if (options.shows < 0 || options.shows > static_cast<int>(kShows.size()) ||
      options.episodes_per_show < 0 || options.episodes_per_show > 10) {
    return Status::InvalidArgument("options", "demo podcasts: at most 2 shows of 10 episodes");
  }
  std::mt19937_64 rng(options.seed);
  std::vector<DemoEpisodeSpec> specs;
  for (int s = 0; s < options.shows; ++s) {
    const DemoShow& show = kShows[static_cast<size_t>(s)];
    for (int n = 1; n <= options.episodes_per_show; ++n) {
      DemoEpisodeSpec e;
      e.show = show.title;
      e.publisher = show.publisher;
      e.number = n;
      e.title = show.episodes[static_cast<size_t>(n - 1)];
      e.description = "Episode " + std::to_string(n) + " of " + show.title + ", a show about " +
                      show.topic + ": " + e.title + ".";
      // Weekly episodes from March 2024: the newest has the highest number.
      e.date = "2024-" + TwoDigits(3 + (n - 1) / 4) + "-" + TwoDigits(1 + 7 * ((n - 1) % 4));
      e.seconds = 30 + static_cast<double>(rng() % 16);  // 30-45 s: the demo stays under 2 min
      e.path = (fs::path(dir) / show.title / (TwoDigits(n) + " " + e.title + ".flac")).string();
      specs.push_back(std::move(e));
    }
  }
  // Episodes are independent: render them on every core.
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    for (size_t i = next++; i < specs.size(); i = next++) {
      const size_t show = i / static_cast<size_t>(options.episodes_per_show);
      Status st = WriteEpisodeMaster(specs[i], kShows[show], options.seed + i);
      std::lock_guard<std::mutex> lock(mu);
      if (!st.ok() && first_error.ok()) first_error = st;
    }
  };
  std::vector<std::thread> threads;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned t = 1; t < cores; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  SONORA_RETURN_IF_ERROR(first_error);
  return specs;
}

Result<std::vector<DemoTrackSpec>> WriteDemoLibrary(const std::string& dir,
                                                    const DemoLibraryOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::vector<DemoTrackSpec> specs;
  const int per_artist = (options.tracks + static_cast<int>(kArtists.size()) - 1) /
                         static_cast<int>(kArtists.size());
  for (int i = 0; i < options.tracks; ++i) {
    const DemoArtist& a = kArtists[static_cast<size_t>(i / per_artist) % kArtists.size()];
    const int number = i % per_artist + 1;
    DemoTrackSpec t;
    t.artist = a.name;
    t.album = a.album;
    t.bpm = std::round(a.bpm_low + (a.bpm_high - a.bpm_low) * std::uniform_real_distribution<>(0, 1)(rng));
    t.key = static_cast<int>(rng() % 12);
    t.major = (rng() % 4 != 0) == a.mostly_major;
    // Mostly 30-40 s, one 60-75 s track per album: the whole demo (synthesis and the full
    // rendition set) stays under two minutes on two cores.
    t.seconds = number == 3 ? 60 + static_cast<double>(rng() % 16)
                            : 30 + static_cast<double>(rng() % 11);
    t.title = std::string(kWords[rng() % kWords.size()]) + " in " + kKeyNames[static_cast<size_t>(t.key)] +
              (t.major ? "" : " Minor");
    const fs::path folder = fs::path(dir) / a.name / a.album;
    t.path = (folder / (TwoDigits(number) + " " + t.title + ".flac")).string();
    specs.push_back(t);
  }
  // Masters are independent: render them on every core.
  std::atomic<size_t> next{0};
  std::atomic<int> done{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    for (size_t i = next++; i < specs.size(); i = next++) {
      Status s = WriteMaster(specs[i], i, static_cast<size_t>(per_artist), options.seed);
      std::lock_guard<std::mutex> lock(mu);
      if (!s.ok() && first_error.ok()) first_error = s;
      if (options.progress) options.progress(++done, static_cast<int>(specs.size()));
    }
  };
  std::vector<std::thread> threads;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned t = 1; t < cores; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  SONORA_RETURN_IF_ERROR(first_error);
  return specs;
}

}  // namespace sonora::media
