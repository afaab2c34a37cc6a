#include "names.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace sonora::bench {

namespace {

// Words frequent in song titles, most common first (the Zipf rank order).
const std::vector<std::string>& TitleWords() {
  static const std::vector<std::string> words = {
      "love",        "you",       "me",           "my",          "the",         "night",
      "heart",       "baby",      "time",         "girl",        "dance",       "home",
      "life",        "fire",      "world",        "dream",       "light",       "day",
      "away",        "tonight",   "rain",         "summer",      "blue",        "boy",
      "man",         "song",      "run",          "go",          "wild",        "feel",
      "forever",     "gold",      "sky",          "stars",       "city",        "moon",
      "sun",         "road",      "shadow",       "river",       "ocean",       "kiss",
      "angel",       "crazy",     "tears",        "hands",       "eyes",        "yesterday",
      "tomorrow",    "paradise",  "midnight",     "sweet",       "lonely",      "young",
      "free",        "fly",       "high",         "down",        "back",        "lost",
      "found",       "broken",    "burning",      "falling",     "rising",      "running",
      "waiting",     "dancing",   "dreaming",     "shine",       "storm",       "thunder",
      "lightning",   "winter",    "autumn",       "spring",      "morning",     "evening",
      "silence",     "echo",      "memory",       "memories",    "story",       "stories",
      "promise",     "secret",    "secrets",      "golden",      "silver",      "diamond",
      "diamonds",    "velvet",    "neon",         "electric",    "cosmic",      "magic",
      "mystery",     "fever",     "heat",         "cold",        "ice",         "water",
      "wine",        "whiskey",   "honey",        "sugar",       "cherry",      "candy",
      "rose",        "roses",     "garden",       "flower",      "flowers",     "wave",
      "waves",       "highway",   "train",        "station",     "airport",     "letter",
      "letters",     "telephone", "radio",        "television",  "satellite",   "rocket",
      "planet",      "galaxy",    "universe",     "heaven",      "hell",        "devil",
      "saint",       "sinner",    "prayer",       "church",      "holy",        "ghost",
      "spirit",      "soul",      "body",         "mind",        "bones",       "blood",
      "skin",        "lips",      "smile",        "laugh",       "cry",         "scream",
      "whisper",     "voice",     "words",        "name",        "names",       "king",
      "queen",       "prince",    "princess",     "hero",        "heroes",      "villain",
      "soldier",     "rebel",     "outlaw",       "cowboy",      "stranger",    "lover",
      "lovers",      "friend",    "friends",      "enemy",       "brother",     "sister",
      "mother",      "father",    "daughter",     "children",    "family",      "alone",
      "together",    "forever",   "never",        "always",      "again",       "still",
      "only",        "every",     "everything",   "nothing",     "something",   "somebody",
      "nobody",      "everybody", "someone",      "anyone",      "goodbye",     "hello",
      "sorry",       "please",    "thank",        "yes",         "maybe",       "wonder",
      "wonderful",   "beautiful", "perfect",      "simple",      "strange",     "dangerous",
      "serious",     "famous",    "desperate",    "beautiful",   "hungry",      "thirsty",
      "restless",    "reckless",  "careless",     "endless",     "timeless",    "fearless",
      "hopeless",    "senseless", "weightless",   "breathless",  "kingdom",     "empire",
      "castle",      "tower",     "bridge",       "island",      "mountain",    "valley",
      "desert",      "forest",    "jungle",       "canyon",      "harbor",      "lighthouse",
      "horizon",     "sunrise",   "sunset",       "twilight",    "daylight",    "moonlight",
      "starlight",   "firework",  "fireworks",    "champagne",   "cigarette",   "cigarettes",
      "motel",       "hotel",     "california",   "paris",       "london",      "tokyo",
      "berlin",      "brooklyn",  "memphis",      "chicago",     "texas",       "mexico",
      "havana",      "bahia",     "lisboa",       "napoli",      "istanbul",    "bombay",
      "manila",      "lagos",     "revolution",   "evolution",   "celebration", "generation",
      "imagination", "situation", "conversation", "destination", "temptation",  "sensation",
      "vibration",   "gravity",   "velocity",     "electricity", "symphony",    "melody",
      "harmony",     "rhapsody",  "serenade",     "lullaby",     "anthem",      "ballad",
      "blues",       "groove",    "rhythm",       "boogie",      "funk",        "soul",
      "disco",       "tango",     "samba",        "salsa",       "mambo",       "bolero",
      "corazon",     "amor",      "vida",         "noche",       "luna",        "fuego",
      "cielo",       "mundo",     "chica",        "baila",       "quiero",      "siempre",
      "nunca",       "mañana",    "canción",      "niño",        "señorita",    "español",
      "café",        "coração",   "saudade",      "été",         "rêve",        "cœur",
      "déjà",        "für",       "über",         "schön",       "nächte",      "träume",
      "måne",        "sjö",       "ljus",         "kärlek",      "zoë",         "naïve",
      "café",        "résumé",    "fiancée",
  };
  return words;
}

const std::array<const char*, 80> kFirstNames = {
    "James",  "Mary",      "John",     "Linda",  "Michael", "Sarah",    "David",    "Emma",
    "Chris",  "Olivia",    "Daniel",   "Sophia", "Matthew", "Isabella", "Anthony",  "Mia",
    "Mark",   "Charlotte", "Paul",     "Amelia", "Steven",  "Harper",   "Andrew",   "Evelyn",
    "Joshua", "Abigail",   "Kevin",    "Emily",  "Brian",   "Ella",     "George",   "Scarlett",
    "Edward", "Grace",     "Ronald",   "Chloe",  "Timothy", "Victoria", "Jason",    "Riley",
    "Ryan",   "Aria",      "Jacob",    "Lily",   "Gary",    "Aurora",   "Nicholas", "Zoe",
    "Eric",   "Nora",      "Jonathan", "Hannah", "Stephen", "Layla",    "Larry",    "Lucy",
    "Justin", "Stella",    "Scott",    "Hazel",  "Brandon", "Violet",   "José",     "Zoë",
    "Björn",  "Søren",     "Chloé",    "Renée",  "Jürgen",  "Åsa",      "Miguel",   "Ana",
    "Luis",   "Camila",    "Kenji",    "Yuki",   "Amara",   "Kwame",    "Ingrid",   "Dmitri"};
const std::array<const char*, 80> kLastNames = {
    "Smith",    "Johnson",   "Williams",  "Brown",     "Jones",     "Garcia",   "Miller",
    "Davis",    "Rodriguez", "Martinez",  "Hernandez", "Lopez",     "Gonzalez", "Wilson",
    "Anderson", "Thomas",    "Taylor",    "Moore",     "Jackson",   "Martin",   "Lee",
    "Perez",    "Thompson",  "White",     "Harris",    "Sanchez",   "Clark",    "Ramirez",
    "Lewis",    "Robinson",  "Walker",    "Young",     "Allen",     "King",     "Wright",
    "Scott",    "Torres",    "Nguyen",    "Hill",      "Flores",    "Green",    "Adams",
    "Nelson",   "Baker",     "Hall",      "Rivera",    "Campbell",  "Mitchell", "Carter",
    "Roberts",  "Müller",    "Schröder",  "Sánchez",   "Núñez",     "Dvořák",   "Kowalczyk",
    "Ødegaard", "Björk",     "Lindström", "Åberg",     "Fernández", "González", "Peña",
    "Gómez",    "Okafor",    "Mensah",    "Tanaka",    "Sato",      "Kim",      "Park",
    "Singh",    "Patel",     "Ivanova",   "Novak",     "Rossi",     "Bianchi",  "Dubois",
    "Lefèvre",  "Moreau",    "Costa"};
const std::array<const char*, 40> kGenres = {
    "pop",       "rock",       "hip-hop",  "electronic", "r&b",    "indie",
    "latin",     "country",    "jazz",     "metal",      "folk",   "classical",
    "soul",      "reggae",     "punk",     "blues",      "dance",  "house",
    "techno",    "ambient",    "funk",     "disco",      "k-pop",  "afrobeats",
    "reggaeton", "trap",       "drill",    "grunge",     "emo",    "singer-songwriter",
    "gospel",    "bossa nova", "flamenco", "salsa",      "cumbia", "bachata",
    "synthwave", "lo-fi",      "shoegaze", "post-rock"};
const std::array<const char*, 8> kMarkets = {"US", "GB", "DE", "SE", "JP", "BR", "FR", "MX"};
const std::array<const char*, 24> kSyllables = {"ka", "lo", "mi", "ra", "ve", "no", "sa", "ti",
                                                "zu", "el", "an", "or", "ya", "be", "qu", "xi",
                                                "do", "fe", "lu", "ny", "ko", "ri", "va", "sh"};

// Rank in [0, n) with P(rank) ~ 1 / (rank + 1)^s, by inverse CDF on a precomputed table.
class Zipf {
 public:
  Zipf(size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) cdf_[i] = (sum += 1.0 / std::pow(static_cast<double>(i + 1), s));
    for (auto& c : cdf_) c /= sum;
  }
  size_t operator()(std::mt19937_64& rng) const {
    double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin()) %
           cdf_.size();
  }

 private:
  std::vector<double> cdf_;
};

std::string Capitalize(std::string w) {
  if (!w.empty() && w[0] >= 'a' && w[0] <= 'z') w[0] = static_cast<char>(w[0] - 'a' + 'A');
  return w;
}

std::string Title(std::mt19937_64& rng, const Zipf& zipf) {
  const auto& words = TitleWords();
  static const std::array<int, 5> kLengthWeights = {20, 35, 25, 12, 8};
  std::discrete_distribution<int> length(kLengthWeights.begin(), kLengthWeights.end());
  int n = length(rng) + 1;
  std::string t;
  for (int i = 0; i < n; ++i) {
    if (i) t += ' ';
    t += Capitalize(words[zipf(rng) % words.size()]);
  }
  switch (rng() % 20) {
    case 0:
      t += " (Remix)";
      break;
    case 1:
      t += " (Live)";
      break;
    case 2:
      t += " - Remastered " + std::to_string(1995 + rng() % 30);
      break;
    case 3:
      t += " (feat. " + std::string(kFirstNames[rng() % kFirstNames.size()]) + ")";
      break;
    default:
      break;
  }
  return t;
}

std::string ArtistName(std::mt19937_64& rng, const Zipf& zipf) {
  const int shape = static_cast<int>(rng() % 100);
  if (shape < 60) {
    return std::string(kFirstNames[rng() % kFirstNames.size()]) + " " +
           kLastNames[rng() % kLastNames.size()];
  }
  const auto& words = TitleWords();
  if (shape < 85) {
    return "The " + Capitalize(words[zipf(rng) % words.size()]) + " " +
           Capitalize(words[zipf(rng) % words.size()]) + "s";
  }
  std::string w;
  const int syllables = 2 + static_cast<int>(rng() % 3);
  for (int i = 0; i < syllables; ++i) w += kSyllables[rng() % kSyllables.size()];
  return Capitalize(w);
}

}  // namespace

Catalog Generate(int64_t track_count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Catalog c;
  const Zipf words(TitleWords().size(), 1.0);
  const Zipf genres(kGenres.size(), 1.1);
  const int64_t artist_count = std::max<int64_t>(10, track_count / 20);
  c.artists.reserve(static_cast<size_t>(artist_count));
  for (int64_t i = 0; i < artist_count; ++i) {
    c.artists.push_back({ArtistName(rng, words), kGenres[genres(rng)]});
  }
  // Popular artists get more albums (Zipf over artists too).
  const Zipf artist_pick(static_cast<size_t>(artist_count), 0.8);
  c.tracks.reserve(static_cast<size_t>(track_count));
  std::normal_distribution<double> duration(215'000, 55'000);
  while (static_cast<int64_t>(c.tracks.size()) < track_count) {
    const auto artist = static_cast<uint32_t>(artist_pick(rng));
    // Years skew recent: 1955 + 70 * sqrt(u).
    const int year =
        1955 + static_cast<int>(70 * std::sqrt(std::uniform_real_distribution<double>(0, 1)(rng)));
    c.albums.push_back({Title(rng, words), artist, year});
    const auto album = static_cast<uint32_t>(c.albums.size() - 1);
    const int n = (rng() % 4 == 0) ? 1 : 6 + static_cast<int>(rng() % 9);
    const int album_pop =
        static_cast<int>(100 * std::pow(std::uniform_real_distribution<double>(0, 1)(rng), 3));
    for (int k = 0; k < n && static_cast<int64_t>(c.tracks.size()) < track_count; ++k) {
      GenTrack t;
      t.title = Title(rng, words);
      t.artist = artist;
      t.album = album;
      t.year = year;
      t.duration_ms = std::clamp<int64_t>(static_cast<int64_t>(duration(rng)), 30'000, 1'200'000);
      t.popularity = std::clamp(album_pop + static_cast<int>(rng() % 21) - 10, 0, 100);
      t.explicit_content = rng() % 10 == 0;
      if (rng() % 20 == 0) t.market = kMarkets[rng() % kMarkets.size()];
      c.tracks.push_back(std::move(t));
    }
  }
  return c;
}

}  // namespace sonora::bench
