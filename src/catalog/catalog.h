// Catalog models (seed 000 §6): plain data, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sonora::catalog {

inline constexpr size_t kMaxBatchIds = 50;  // GET /tracks?ids=: Spotify's batch limit

struct ArtistRef {
  std::string artist_id;
  std::string name;
};

struct Artist {
  std::string artist_id;
  std::string name;
  std::string bio;
  std::vector<std::string> genres;
  bool verified = false;
  std::optional<std::string> image_id;
  int64_t created_at_ms = 0;
  int64_t followers = 0;  // artist_follows rows; maintained by library/, read-only here
};

enum class AlbumType { kAlbum, kSingle, kCompilation };
std::string_view AlbumTypeName(AlbumType t);
std::optional<AlbumType> ParseAlbumType(std::string_view s);

struct Album {
  std::string album_id;
  std::string title;
  ArtistRef artist;  // the album artist
  std::string release_date;  // "YYYY-MM-DD", "YYYY-MM" or "YYYY"
  AlbumType album_type = AlbumType::kAlbum;
  int total_tracks = 0;
  std::vector<std::string> genres;
  std::string label;
  std::optional<std::string> artwork_id;
  int popularity = 0;  // 0..100
  std::vector<std::string> available_countries;  // empty: everywhere
  int64_t created_at_ms = 0;
};

struct AlbumRef {
  std::string album_id;
  std::string title;
  std::string release_date;
  AlbumType album_type = AlbumType::kAlbum;
  std::optional<std::string> artwork_id;
};

struct Track {
  std::string track_id;
  std::string title;
  AlbumRef album;
  std::vector<ArtistRef> artists;  // position order: primary first
  int track_number = 1;
  int disc_number = 1;
  int64_t duration_ms = 0;
  bool explicit_content = false;
  std::string isrc;
  int popularity = 0;  // 0..100
  std::vector<std::string> genres;
  std::vector<std::string> available_countries;  // empty: everywhere
  int64_t created_at_ms = 0;
};

// The lookup key for names: lower-case ASCII, runs of spaces and punctuation folded to one
// space, trimmed ("The  Beatles!" -> "the beatles"). Ingest finds existing artists and albums
// by it.
std::string NameKey(std::string_view name);

// True when the track may be played in `country` (empty country: no market filter).
bool AvailableIn(const std::vector<std::string>& countries, std::string_view country);

}  // namespace sonora::catalog
