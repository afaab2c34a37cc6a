#include "catalog/catalog_json.h"

namespace sonora::catalog {

Json ArtworkImagesJson(const std::optional<std::string>& artwork_id) {
  // Artwork files come from the media pipeline; until a release has artwork there is none.
  Json images = Json::array();
  if (!artwork_id) return images;
  for (int size : {640, 300, 64}) {
    images.push_back({{"url", "/api/v1/images/" + *artwork_id + "/" + std::to_string(size)},
                      {"width", size},
                      {"height", size}});
  }
  return images;
}

namespace {
Json AlbumRefJson(const AlbumRef& a) {
  Json images = ArtworkImagesJson(a.artwork_id);
  return {{"album_id", a.album_id},
          {"title", a.title},
          {"album_type", AlbumTypeName(a.album_type)},
          {"release_date", a.release_date},
          {"artwork_url", images.empty() ? Json(nullptr) : images[0]["url"]},
          {"images", images}};
}
}  // namespace

Json ArtistRefJson(const ArtistRef& a) { return {{"artist_id", a.artist_id}, {"name", a.name}}; }

Json TrackJson(const Track& t, std::string_view market) {
  Json artists = Json::array();
  for (const auto& a : t.artists) artists.push_back(ArtistRefJson(a));
  Json j = {{"track_id", t.track_id},
            {"title", t.title},
            {"artists", std::move(artists)},
            {"album", AlbumRefJson(t.album)},
            {"duration_ms", t.duration_ms},
            {"popularity", t.popularity},
            {"explicit", t.explicit_content},
            {"isrc", t.isrc},
            {"disc_number", t.disc_number},
            {"track_number", t.track_number},
            {"genres", t.genres},
            {"available_countries", t.available_countries}};
  if (!market.empty()) j["is_playable"] = AvailableIn(t.available_countries, market);
  return j;
}

Json AlbumJson(const Album& a, std::string_view market) {
  Json images = ArtworkImagesJson(a.artwork_id);
  Json j = {{"album_id", a.album_id},
            {"title", a.title},
            {"album_type", AlbumTypeName(a.album_type)},
            {"artists", Json::array({ArtistRefJson(a.artist)})},
            {"release_date", a.release_date},
            {"total_tracks", a.total_tracks},
            {"genres", a.genres},
            {"label", a.label},
            {"popularity", a.popularity},
            {"artwork_url", images.empty() ? Json(nullptr) : images[0]["url"]},
            {"images", images},
            {"available_countries", a.available_countries}};
  if (!market.empty()) j["is_playable"] = AvailableIn(a.available_countries, market);
  return j;
}

Json ArtistJson(const Artist& a) {
  Json images = ArtworkImagesJson(a.image_id);
  return {{"artist_id", a.artist_id},
          {"name", a.name},
          {"genres", a.genres},
          {"bio", a.bio},
          {"verified", a.verified},
          {"followers", {{"total", a.followers}}},
          {"image_url", images.empty() ? Json(nullptr) : images[0]["url"]},
          {"images", images}};
}

Json PageJson(Json items, int64_t total, int64_t limit, int64_t offset, std::string_view base) {
  Json next = nullptr;
  if (offset + limit < total) {
    std::string url(base);
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += "offset=" + std::to_string(offset + limit) + "&limit=" + std::to_string(limit);
    next = url;
  }
  return {{"items", std::move(items)},
          {"total", total},
          {"limit", limit},
          {"offset", offset},
          {"next", next}};
}

}  // namespace sonora::catalog
