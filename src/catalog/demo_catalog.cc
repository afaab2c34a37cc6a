#include "catalog/demo_catalog.h"

#include <array>
#include <random>
#include <string>
#include <vector>

#include "core/ids.h"

namespace sonora::catalog {

namespace {

constexpr std::array<const char*, 24> kAdjectives = {
    "Silver", "Midnight", "Electric", "Velvet", "Golden", "Hollow", "Neon",   "Crimson",
    "Quiet",  "Wild",     "Paper",    "Glass",  "Broken", "Lunar",  "Static", "Northern",
    "Gentle", "Restless", "Amber",    "Distant", "Burning", "Frozen", "Secret", "Open"};
constexpr std::array<const char*, 24> kNouns = {
    "Harbor", "Echo",   "Garden", "River", "Signal", "Mirror", "Highway", "Satellite",
    "Forest", "Engine", "Comet",  "Canyon", "Window", "Tide",   "Lantern", "Orchard",
    "Parade", "Shadow", "Summer", "Winter", "Ocean",  "City",   "Desert",  "Heart"};
constexpr std::array<const char*, 16> kFirstNames = {
    "Ava", "Leo", "Mila", "Noah", "Iris", "Omar", "Lena", "Kai",
    "Nora", "Felix", "Zoe", "Ravi", "Elena", "Jonas", "Sofia", "Theo"};
constexpr std::array<const char*, 16> kLastNames = {
    "Hart", "Moreno", "Lindqvist", "Okafor", "Bennett", "Sato", "Novak", "Reyes",
    "Fischer", "Adeyemi", "Costa", "Walsh", "Kowalski", "Haddad", "Brooks", "Ivanova"};
constexpr std::array<const char*, 12> kGenres = {
    "pop", "rock", "indie", "electronic", "hip-hop", "jazz",
    "classical", "folk", "r&b", "metal", "ambient", "latin"};
constexpr std::array<const char*, 6> kLabels = {
    "Sonora Records", "Blue Attic", "Northside Music", "Harbor Lights", "Kiln Audio", "Open Field"};
// A few markets for the region-restricted tracks, so is_playable has both answers.
constexpr std::array<const char*, 4> kRestrictedMarkets = {"US", "CA", "GB", "DE"};

template <size_t N>
const char* Pick(std::mt19937_64& rng, const std::array<const char*, N>& a) {
  return a[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

std::string Title(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> shape(0, 3);
  switch (shape(rng)) {
    case 0: return std::string(Pick(rng, kAdjectives)) + " " + Pick(rng, kNouns);
    case 1: return std::string("The ") + Pick(rng, kNouns);
    case 2: return std::string(Pick(rng, kNouns)) + " of " + Pick(rng, kNouns);
    default: return std::string(Pick(rng, kAdjectives));
  }
}

std::string ArtistName(std::mt19937_64& rng) {
  if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
    return std::string("The ") + Pick(rng, kAdjectives) + " " + Pick(rng, kNouns) + "s";
  }
  return std::string(Pick(rng, kFirstNames)) + " " + Pick(rng, kLastNames);
}

}  // namespace

Result<GenerateSummary> GenerateCatalog(store::Database& db, CatalogRepository& repo,
                                        const Clock& clock, const GenerateOptions& options) {
  std::mt19937_64 rng(options.seed);
  GenerateSummary summary;
  const int64_t now = clock.NowMillis();
  const int64_t artist_count = std::max<int64_t>(3, options.tracks / 40);

  std::vector<Artist> artists;
  for (int64_t i = 0; i < artist_count; ++i) {
    Artist a;
    a.artist_id = NewId("artist");
    a.name = ArtistName(rng) + (i >= 200 ? " " + std::to_string(i) : "");
    a.genres = {Pick(rng, kGenres)};
    if (rng() % 3 == 0) a.genres.emplace_back(Pick(rng, kGenres));
    a.bio = a.name + " makes " + a.genres[0] + " music.";
    a.verified = rng() % 2 == 0;
    a.created_at_ms = now;
    artists.push_back(std::move(a));
  }
  SONORA_RETURN_IF_ERROR(db.Transact([&](store::Session& s) -> Status {
    for (const auto& a : artists) SONORA_RETURN_IF_ERROR(repo.UpsertArtist(s, a));
    return Status();
  }));
  summary.artists = artist_count;

  std::uniform_int_distribution<int64_t> pick_artist(0, artist_count - 1);
  int64_t written = 0;
  while (written < options.tracks) {
    int64_t batch_end = std::min(options.tracks, written + options.batch_size);
    Status s = db.Transact([&](store::Session& session) -> Status {
      while (written < batch_end) {
        const Artist& artist = artists[static_cast<size_t>(pick_artist(rng))];
        Album album;
        album.album_id = NewId("album");
        album.title = Title(rng);
        album.artist = {artist.artist_id, artist.name};
        int64_t n = std::min<int64_t>(batch_end - written, 8 + static_cast<int64_t>(rng() % 7));
        album.album_type = n <= 2 ? AlbumType::kSingle : AlbumType::kAlbum;
        album.total_tracks = static_cast<int>(n);
        int year = 1970 + static_cast<int>(rng() % 56);
        char date[16];
        std::snprintf(date, sizeof(date), "%04d-%02d-%02d", year, 1 + static_cast<int>(rng() % 12),
                      1 + static_cast<int>(rng() % 28));
        album.release_date = date;
        album.genres = artist.genres;
        album.label = Pick(rng, kLabels);
        album.popularity = static_cast<int>(rng() % 101);
        album.created_at_ms = now;
        SONORA_RETURN_IF_ERROR(repo.UpsertAlbum(session, album));
        ++summary.albums;
        for (int64_t k = 0; k < n; ++k) {
          Track t;
          t.track_id = NewId("track");
          t.title = Title(rng);
          t.album = {album.album_id, album.title, album.release_date, album.album_type,
                     std::nullopt};
          t.artists.push_back(album.artist);
          if (rng() % 8 == 0) {  // a featured artist now and then: multi-artist tracks
            const Artist& feat = artists[static_cast<size_t>(pick_artist(rng))];
            if (feat.artist_id != artist.artist_id) t.artists.push_back({feat.artist_id, feat.name});
          }
          t.track_number = static_cast<int>(k) + 1;
          t.disc_number = 1;
          t.duration_ms = 30'000 + static_cast<int64_t>(rng() % 270'000);
          t.explicit_content = rng() % 10 == 0;
          char isrc[16];
          std::snprintf(isrc, sizeof(isrc), "SN%c%c%02d%05d", 'A' + static_cast<char>(rng() % 26),
                        'A' + static_cast<char>(rng() % 26), year % 100,
                        static_cast<int>(written % 100000));
          t.isrc = isrc;
          t.popularity = std::max(0, std::min(100, album.popularity + static_cast<int>(rng() % 21) - 10));
          t.genres = album.genres;
          if (rng() % 20 == 0) t.available_countries = {Pick(rng, kRestrictedMarkets)};
          t.created_at_ms = now;
          SONORA_RETURN_IF_ERROR(repo.UpsertTrack(session, t));
          ++written;
        }
      }
      return Status();
    });
    SONORA_RETURN_IF_ERROR(s);
    if (options.progress) options.progress(written, options.tracks);
  }
  summary.tracks = written;
  return summary;
}

}  // namespace sonora::catalog
