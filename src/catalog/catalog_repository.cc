#include "catalog/catalog_repository.h"

#include <unordered_map>

#include "catalog/list_column.h"
#include "core/strings.h"

namespace sonora::catalog {

namespace {

std::string AlbumTypesClause(const std::vector<AlbumType>& types, store::Params& params) {
  if (types.empty()) return "";
  std::string clause = " AND album_type IN (";
  for (size_t i = 0; i < types.size(); ++i) {
    clause += i ? ", ?" : "?";
    params.emplace_back(AlbumTypeName(types[i]));
  }
  return clause + ")";
}

constexpr std::string_view kAlbumSelect =
    "SELECT al.album_id, al.title, al.release_date, al.album_type, al.total_tracks, al.genres, "
    "al.label, al.artwork_id, al.popularity, al.available_countries, al.created_at_ms, "
    "ar.artist_id, ar.name FROM albums al JOIN artists ar ON ar.artist_id = al.artist_id ";

Album AlbumFromRow(const store::Row& r) {
  Album a;
  a.album_id = r.GetString(0);
  a.title = r.GetString(1);
  a.release_date = r.GetString(2);
  a.album_type = ParseAlbumType(r.GetString(3)).value_or(AlbumType::kAlbum);
  a.total_tracks = static_cast<int>(r.GetInt(4));
  a.genres = ListFromColumn(r.GetString(5));
  a.label = r.GetString(6);
  a.artwork_id = r.GetOptionalString(7);
  a.popularity = static_cast<int>(r.GetInt(8));
  a.available_countries = ListFromColumn(r.GetString(9));
  a.created_at_ms = r.GetInt(10);
  a.artist = {r.GetString(11), r.GetString(12)};
  return a;
}

constexpr std::string_view kArtistSelect =
    "SELECT artist_id, name, bio, genres, verified, image_id, created_at_ms, followers "
    "FROM artists ";

Artist ArtistFromRow(const store::Row& r) {
  Artist a;
  a.artist_id = r.GetString(0);
  a.name = r.GetString(1);
  a.bio = r.GetString(2);
  a.genres = ListFromColumn(r.GetString(3));
  a.verified = r.GetBool(4);
  a.image_id = r.GetOptionalString(5);
  a.created_at_ms = r.GetInt(6);
  a.followers = r.GetInt(7);
  return a;
}

// "(?, ?, ...)" with `n` placeholders.
}  // namespace

Result<std::vector<Track>> CatalogRepository::TracksWhere(const std::string& where,
                                                          const store::Params& params,
                                                          const std::string& order_limit) {
  // One row per (track, artist): the join keeps a page of tracks to a single round trip.
  // The inner select applies paging to tracks before the artist join multiplies rows.
  std::string sql =
      "SELECT t.track_id, t.title, t.track_number, t.disc_number, t.duration_ms, t.explicit, "
      "t.isrc, t.popularity, t.genres, t.available_countries, t.created_at_ms, "
      "al.album_id, al.title, al.release_date, al.album_type, al.artwork_id, "
      "ar.artist_id, ar.name "
      "FROM (SELECT * FROM tracks t " +
      where + order_limit +
      ") t "
      "JOIN albums al ON al.album_id = t.album_id "
      "JOIN track_artists ta ON ta.track_id = t.track_id "
      "JOIN artists ar ON ar.artist_id = ta.artist_id "
      "ORDER BY t.disc_number, t.track_number, t.track_id, ta.position";
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, params));
  std::vector<Track> out;
  std::unordered_map<std::string, size_t> index;
  for (const auto& r : res.rows) {
    std::string id = r.GetString(0);
    auto it = index.find(id);
    if (it == index.end()) {
      Track t;
      t.track_id = id;
      t.title = r.GetString(1);
      t.track_number = static_cast<int>(r.GetInt(2));
      t.disc_number = static_cast<int>(r.GetInt(3));
      t.duration_ms = r.GetInt(4);
      t.explicit_content = r.GetBool(5);
      t.isrc = r.GetString(6);
      t.popularity = static_cast<int>(r.GetInt(7));
      t.genres = ListFromColumn(r.GetString(8));
      t.available_countries = ListFromColumn(r.GetString(9));
      t.created_at_ms = r.GetInt(10);
      t.album.album_id = r.GetString(11);
      t.album.title = r.GetString(12);
      t.album.release_date = r.GetString(13);
      t.album.album_type = ParseAlbumType(r.GetString(14)).value_or(AlbumType::kAlbum);
      t.album.artwork_id = r.GetOptionalString(15);
      it = index.emplace(id, out.size()).first;
      out.push_back(std::move(t));
    }
    out[it->second].artists.push_back({r.GetString(16), r.GetString(17)});
  }
  return out;
}

Result<std::vector<Track>> CatalogRepository::GetTracks(const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<Track>();
  std::string where = "WHERE t.track_id IN (";
  store::Params params;
  for (size_t i = 0; i < ids.size(); ++i) {
    where += i ? ", ?" : "?";
    params.emplace_back(ids[i]);
  }
  where += ")";
  return TracksWhere(where, params, "");
}

Result<std::vector<Track>> CatalogRepository::GetAlbumTracks(const std::string& album_id,
                                                             int64_t limit, int64_t offset) {
  return TracksWhere("WHERE t.album_id = ?", {album_id, limit, offset},
                     " ORDER BY t.disc_number, t.track_number, t.track_id LIMIT ? OFFSET ?");
}

Result<std::vector<Track>> CatalogRepository::GetAlbumTracksOfTrack(const std::string& track_id,
                                                                    int64_t limit) {
  return TracksWhere("WHERE t.album_id = (SELECT album_id FROM tracks WHERE track_id = ?)",
                     {track_id, limit},
                     " ORDER BY t.disc_number, t.track_number, t.track_id LIMIT ?");
}

Result<std::vector<CatalogRepository::TrackSummary>> CatalogRepository::ScanTrackSummaries() {
  SONORA_ASSIGN_OR_RETURN(auto rows,
                          db_.Query("SELECT t.track_id, t.title, t.popularity, t.genres, "
                                    "t.available_countries, al.release_date, al.genres, "
                                    "t.album_id "
                                    "FROM tracks t JOIN albums al ON al.album_id = t.album_id "
                                    "ORDER BY t.track_id"));
  std::vector<TrackSummary> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) {
    TrackSummary t;
    t.track_id = r.GetString(0);
    t.title = r.GetString(1);
    t.popularity = static_cast<int>(r.GetInt(2));
    t.genres = ListFromColumn(r.GetString(3));
    for (auto& g : ListFromColumn(r.GetString(6))) t.genres.push_back(std::move(g));
    t.markets = ListFromColumn(r.GetString(4));
    t.release_date = r.GetString(5);
    t.album_id = r.GetString(7);
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> CatalogRepository::ScanTrackArtists() {
  SONORA_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT track_id, artist_id FROM track_artists "
                                               "ORDER BY track_id, position"));
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(rows.rows.size());
  for (const auto& r : rows.rows) out.emplace_back(r.GetString(0), r.GetString(1));
  return out;
}

Result<Album> CatalogRepository::GetAlbum(const std::string& album_id) {
  static const std::string sql = std::string(kAlbumSelect) + "WHERE al.album_id = ?";
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, {album_id}));
  if (res.rows.empty()) return Status::NotFound("no such album");
  return AlbumFromRow(res.rows[0]);
}

Result<Artist> CatalogRepository::GetArtist(const std::string& artist_id) {
  static const std::string sql = std::string(kArtistSelect) + "WHERE artist_id = ?";
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, {artist_id}));
  if (res.rows.empty()) return Status::NotFound("no such artist");
  return ArtistFromRow(res.rows[0]);
}

Result<std::vector<Album>> CatalogRepository::GetAlbums(const std::vector<std::string>& ids) {
  std::vector<Album> out;
  if (ids.empty()) return out;
  store::Params params(ids.begin(), ids.end());
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(std::string(kAlbumSelect) + "WHERE al.album_id IN " +
                                                  store::InList(ids.size()),
                                              params));
  for (const auto& r : res.rows) out.push_back(AlbumFromRow(r));
  return out;
}

Result<std::vector<Artist>> CatalogRepository::GetArtists(const std::vector<std::string>& ids) {
  std::vector<Artist> out;
  if (ids.empty()) return out;
  store::Params params(ids.begin(), ids.end());
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(std::string(kArtistSelect) + "WHERE artist_id IN " +
                                                  store::InList(ids.size()),
                                              params));
  for (const auto& r : res.rows) out.push_back(ArtistFromRow(r));
  return out;
}

Result<std::vector<Album>> CatalogRepository::GetArtistAlbums(const std::string& artist_id,
                                                              const std::vector<AlbumType>& types,
                                                              int64_t limit, int64_t offset) {
  store::Params params = {artist_id};
  std::string sql = std::string(kAlbumSelect) + "WHERE al.artist_id = ?" +
                    AlbumTypesClause(types, params) +
                    " ORDER BY al.release_date DESC, al.album_id LIMIT ? OFFSET ?";
  params.emplace_back(limit);
  params.emplace_back(offset);
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, params));
  std::vector<Album> out;
  for (const auto& r : res.rows) out.push_back(AlbumFromRow(r));
  return out;
}

Result<int64_t> CatalogRepository::CountArtistAlbums(const std::string& artist_id,
                                                     const std::vector<AlbumType>& types) {
  store::Params params = {artist_id};
  std::string sql =
      "SELECT COUNT(*) FROM albums WHERE artist_id = ?" + AlbumTypesClause(types, params);
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(sql, params));
  return res.rows[0].GetInt(0);
}

Result<int64_t> CatalogRepository::CountTracks() {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query("SELECT COUNT(*) FROM tracks"));
  return res.rows[0].GetInt(0);
}

Result<int64_t> CatalogRepository::ContentVersion() {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query("SELECT version FROM content_version WHERE id = 1"));
  return res.rows.empty() ? int64_t{0} : res.rows[0].GetInt(0);
}

Result<std::optional<ArtistRef>> CatalogRepository::FindArtistByKey(store::Session& s,
                                                                    const std::string& key) {
  SONORA_ASSIGN_OR_RETURN(auto res,
                          s.Query("SELECT artist_id, name FROM artists WHERE name_key = ? "
                                  "ORDER BY created_at_ms, artist_id LIMIT 1",
                                  {key}));
  if (res.rows.empty()) return std::optional<ArtistRef>();
  return std::optional<ArtistRef>(ArtistRef{res.rows[0].GetString(0), res.rows[0].GetString(1)});
}

Result<std::optional<std::string>> CatalogRepository::FindAlbumIdByKey(store::Session& s,
                                                                       const std::string& artist_id,
                                                                       const std::string& key) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, s.Query("SELECT album_id FROM albums WHERE artist_id = ? AND title_key = ? "
                        "ORDER BY created_at_ms, album_id LIMIT 1",
                        {artist_id, key}));
  if (res.rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(res.rows[0].GetString(0));
}

Status CatalogRepository::RefreshAlbumTrackCount(store::Session& s, const std::string& album_id) {
  return s
      .Query(
          "UPDATE albums SET total_tracks = (SELECT COUNT(*) FROM tracks WHERE album_id = ?) "
          "WHERE album_id = ?",
          {album_id, album_id})
      .status();
}

Status CatalogRepository::UpsertArtist(store::Session& s, const Artist& a) {
  return s
      .Query(
          "INSERT INTO artists (artist_id, name, name_key, bio, genres, verified, image_id, "
          "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (artist_id) DO UPDATE SET "
          "name = excluded.name, name_key = excluded.name_key, bio = excluded.bio, "
          "genres = excluded.genres, verified = excluded.verified, image_id = excluded.image_id",
          {a.artist_id, a.name, NameKey(a.name), a.bio, ListColumn(a.genres), a.verified ? 1 : 0,
           a.image_id, a.created_at_ms})
      .status();
}

Status CatalogRepository::UpsertAlbum(store::Session& s, const Album& a) {
  return s
      .Query(
          "INSERT INTO albums (album_id, title, title_key, artist_id, release_date, album_type, "
          "total_tracks, genres, label, artwork_id, popularity, available_countries, "
          "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (album_id) DO UPDATE SET title = excluded.title, "
          "title_key = excluded.title_key, "
          "artist_id = excluded.artist_id, release_date = excluded.release_date, "
          "album_type = excluded.album_type, total_tracks = excluded.total_tracks, "
          "genres = excluded.genres, label = excluded.label, artwork_id = excluded.artwork_id, "
          "popularity = excluded.popularity, available_countries = excluded.available_countries",
          {a.album_id, a.title, NameKey(a.title), a.artist.artist_id, a.release_date,
           AlbumTypeName(a.album_type), a.total_tracks, ListColumn(a.genres), a.label, a.artwork_id,
           a.popularity, ListColumn(a.available_countries), a.created_at_ms})
      .status();
}

Status CatalogRepository::UpsertTrack(store::Session& s, const Track& t) {
  SONORA_RETURN_IF_ERROR(
      s.Query("INSERT INTO tracks (track_id, title, album_id, track_number, disc_number, "
              "duration_ms, explicit, isrc, popularity, genres, available_countries, "
              "created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (track_id) DO UPDATE SET title = excluded.title, "
              "album_id = excluded.album_id, track_number = excluded.track_number, "
              "disc_number = excluded.disc_number, duration_ms = excluded.duration_ms, "
              "explicit = excluded.explicit, isrc = excluded.isrc, "
              "popularity = excluded.popularity, genres = excluded.genres, "
              "available_countries = excluded.available_countries",
              {t.track_id, t.title, t.album.album_id, t.track_number, t.disc_number, t.duration_ms,
               t.explicit_content ? 1 : 0, t.isrc, t.popularity, ListColumn(t.genres),
               ListColumn(t.available_countries), t.created_at_ms})
          .status());
  SONORA_RETURN_IF_ERROR(
      s.Query("DELETE FROM track_artists WHERE track_id = ?", {t.track_id}).status());
  for (size_t i = 0; i < t.artists.size(); ++i) {
    SONORA_RETURN_IF_ERROR(
        s.Query("INSERT INTO track_artists (track_id, artist_id, position) VALUES (?, ?, ?)",
                {t.track_id, t.artists[i].artist_id, static_cast<int64_t>(i)})
            .status());
  }
  return Status();
}

}  // namespace sonora::catalog
