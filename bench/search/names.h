// A generated music catalog with realistic name shapes for the search benchmark: title words
// drawn from a Zipf distribution over words common in song titles, 1-5 words per title with
// the usual "(Remix)" / "- Remastered" tails, artists as "First Last", "The Adjective Nouns" or
// one invented word, a share of names with diacritics, Zipf-skewed genres and popularity,
// release years skewed recent, and some market-restricted and explicit tracks.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace sonora::bench {

struct GenArtist {
  std::string name;
  std::string genre;
};

struct GenTrack {
  std::string title;
  uint32_t artist = 0;  // index into Catalog::artists
  uint32_t album = 0;   // index into Catalog::albums
  int year = 0;
  int64_t duration_ms = 0;
  int popularity = 0;
  bool explicit_content = false;
  std::string market;  // "" everywhere, else one country
};

struct GenAlbum {
  std::string title;
  uint32_t artist = 0;
  int year = 0;
};

struct Catalog {
  std::vector<GenArtist> artists;
  std::vector<GenAlbum> albums;
  std::vector<GenTrack> tracks;
};

Catalog Generate(int64_t tracks, uint64_t seed);

}  // namespace sonora::bench
