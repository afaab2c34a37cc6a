#include <taglib/fileref.h>
#include <taglib/tag.h>
#include <taglib/tpropertymap.h>

#include <algorithm>

#include "core/strings.h"
#include "media/tags.h"

namespace sonora::media {

namespace {

std::string Clip(std::string s, size_t max_length = kMaxTagLength) {
  if (s.size() > max_length) {
    // Cut at a character boundary, so a long valid value is shortened rather than dropped.
    size_t cut = max_length;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
  }
  if (!IsValidUtf8(s)) return "";
  return std::string(Trim(s));
}

std::string First(const TagLib::PropertyMap& props, const char* key) {
  auto it = props.find(key);
  if (it == props.end() || it->second.isEmpty()) return "";
  return Clip(it->second.front().to8Bit(true));
}

int LeadingNumber(const std::string& s) {  // "3/12" -> 3
  int n = 0;
  size_t i = 0;
  while (i < s.size() && i < 6 && s[i] >= '0' && s[i] <= '9') n = n * 10 + (s[i++] - '0');
  return n;
}

}  // namespace

std::vector<std::string> SplitArtists(const std::string& credit) {
  // One left-to-right scan: at each position, a separator ends the current name.
  static constexpr std::string_view kSeparators[] = {" feat. ", " Feat. ", " featuring ", " ft. ",
                                                     " Ft. ",   " & ",     " / ",         "/",
                                                     ";"};
  std::vector<std::string> out;
  auto flush = [&out](std::string_view piece) {
    std::string name(Trim(piece));
    if (!name.empty() && out.size() < 16 && std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(std::move(name));  // more than 16 credited names is junk
    }
  };
  const std::string_view text(credit);
  size_t start = 0, i = 0;
  while (i < text.size()) {
    size_t matched = 0;
    for (auto sep : kSeparators) {
      if (text.substr(i, sep.size()) == sep) {
        matched = sep.size();
        break;
      }
    }
    if (matched) {
      flush(text.substr(start, i - start));
      i += matched;
      start = i;
    } else {
      ++i;
    }
  }
  flush(text.substr(start));
  return out;
}

Status WriteTags(const std::string& path, const TrackTags& t) {
  TagLib::FileRef ref(path.c_str(), false);
  if (ref.isNull() || !ref.file()) return Status::InvalidArgument("file", "cannot open for tagging");
  auto str = [](const std::string& s) { return TagLib::String(s, TagLib::String::UTF8); };
  TagLib::PropertyMap props;
  props["TITLE"] = TagLib::StringList(str(t.title));
  std::string artist;
  for (size_t i = 0; i < t.artists.size(); ++i) artist += (i ? "; " : "") + t.artists[i];
  props["ARTIST"] = TagLib::StringList(str(artist));
  props["ALBUM"] = TagLib::StringList(str(t.album));
  if (!t.album_artist.empty()) props["ALBUMARTIST"] = TagLib::StringList(str(t.album_artist));
  if (t.track_number > 0) props["TRACKNUMBER"] = TagLib::StringList(str(std::to_string(t.track_number)));
  if (t.disc_number > 0) props["DISCNUMBER"] = TagLib::StringList(str(std::to_string(t.disc_number)));
  if (!t.date.empty()) props["DATE"] = TagLib::StringList(str(t.date));
  TagLib::StringList genres;
  for (const auto& g : t.genres) genres.append(str(g));
  if (!genres.isEmpty()) props["GENRE"] = genres;
  if (!t.isrc.empty()) props["ISRC"] = TagLib::StringList(str(t.isrc));
  if (t.explicit_content) props["EXPLICIT"] = TagLib::StringList(str("1"));
  if (!t.description.empty()) props["COMMENT"] = TagLib::StringList(str(t.description));
  if (!t.language.empty()) props["LANGUAGE"] = TagLib::StringList(str(t.language));
  ref.file()->setProperties(props);
  if (!ref.save()) return Status::InvalidArgument("file", "TagLib could not save tags");
  return Status();
}

Result<TrackTags> ReadTags(const std::string& path) {
  TagLib::FileRef ref(path.c_str(), /*readAudioProperties=*/false);
  if (ref.isNull() || !ref.tag()) return Status::InvalidArgument("file", "no readable tags");
  const TagLib::PropertyMap props = ref.file()->properties();
  TrackTags t;
  t.title = First(props, "TITLE");
  std::string artist = First(props, "ARTIST");
  t.artists = SplitArtists(artist);
  auto artists_it = props.find("ARTISTS");  // some taggers write every name separately
  if (artists_it != props.end() && artists_it->second.size() > 1) {
    t.artists.clear();
    for (const auto& a : artists_it->second) {
      std::string name = Clip(a.to8Bit(true));
      if (!name.empty() && t.artists.size() < 16) t.artists.push_back(name);
    }
  }
  t.album = First(props, "ALBUM");
  t.album_artist = First(props, "ALBUMARTIST");
  t.track_number = LeadingNumber(First(props, "TRACKNUMBER"));
  t.disc_number = LeadingNumber(First(props, "DISCNUMBER"));
  t.date = First(props, "DATE");
  if (t.date.size() > 10) t.date.resize(10);
  auto genres = props.find("GENRE");
  if (genres != props.end()) {
    for (const auto& g : genres->second) {
      for (const auto& piece : Split(Clip(g.to8Bit(true)), ';', true)) {
        std::string genre = ToLower(Trim(piece));
        if (!genre.empty() && t.genres.size() < 8) t.genres.push_back(genre);
      }
    }
  }
  t.isrc = ToUpper(First(props, "ISRC"));
  if (t.isrc.size() > 12) t.isrc.resize(12);
  // iTunes' advisory atom and Vorbis comments' EXPLICIT/ITUNESADVISORY both mean explicit.
  for (const char* key : {"EXPLICIT", "ITUNESADVISORY", "RATING"}) {
    std::string v = ToLower(First(props, key));
    if (v == "1" || v == "explicit" || v == "true" || v == "yes") t.explicit_content = true;
  }
  for (const char* key : {"COMMENT", "DESCRIPTION"}) {
    auto it = props.find(key);
    if (it == props.end() || it->second.isEmpty()) continue;
    t.description = Clip(it->second.front().to8Bit(true), kMaxDescriptionLength);
    if (!t.description.empty()) break;
  }
  t.language = First(props, "LANGUAGE");
  if (t.language.size() > 35) t.language.clear();  // longer than any BCP 47 tag: junk
  return t;
}

}  // namespace sonora::media
