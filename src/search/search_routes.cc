#include "search/search_routes.h"

#include <chrono>

#include "catalog/catalog_json.h"
#include "catalog/podcast_json.h"
#include "core/json.h"
#include "core/strings.h"

namespace sonora::search {

using http::Method;
using http::Request;
using http::Response;

namespace {

Result<std::string> RequiredQuery(const Request& req) {
  auto q = req.QueryParam("q");
  if (!q || Trim(*q).empty()) return Status::InvalidArgument("q", "'q' is required and non-empty");
  return std::string(*q);
}

Result<std::vector<DocKind>> ParseTypes(const Request& req) {
  auto t = req.QueryParam("type");
  if (!t) return SearchQuery().kinds;
  std::vector<DocKind> kinds;
  for (const auto& name : Split(*t, ',', true)) {
    auto k = ParseKind(std::string(Trim(name)));
    if (!k) {
      return Status::InvalidArgument("type",
                                     "'type' takes track, artist, album, playlist, show, episode");
    }
    if (std::find(kinds.begin(), kinds.end(), *k) == kinds.end()) kinds.push_back(*k);
  }
  if (kinds.empty()) return Status::InvalidArgument("type", "'type' names no type");
  return kinds;
}

// "A-B" with either side optional ("1990-", "-1999"), or a single "A" meaning A-A.
Status ParseRange(const Request& req, std::string_view name, int64_t max,
                  std::optional<int64_t>* lo, std::optional<int64_t>* hi) {
  auto v = req.QueryParam(name);
  if (!v) return Status();
  const std::string field(name);
  const std::string text(Trim(*v));
  auto bad = [&] {
    return Status::InvalidArgument(
        field, "'" + field + "' must be N or MIN-MAX (0.." + std::to_string(max) + ")");
  };
  auto dash = text.find('-');
  auto parse = [&](std::string_view s, std::optional<int64_t>* out) -> bool {
    if (s.empty()) return true;
    auto n = ParseInt(s);
    if (!n || *n < 0 || *n > max) return false;
    *out = *n;
    return true;
  };
  if (dash == std::string::npos) {
    if (text.empty() || !parse(text, lo)) return bad();
    *hi = *lo;
    return Status();
  }
  if (!parse(std::string_view(text).substr(0, dash), lo) ||
      !parse(std::string_view(text).substr(dash + 1), hi) || (!*lo && !*hi)) {
    return bad();
  }
  if (*lo && *hi && **lo > **hi) {
    return Status::InvalidArgument(field, "'" + field + "' has its minimum above its maximum");
  }
  return Status();
}

Result<SearchQuery> ParseSearch(const Request& req) {
  SearchQuery q;
  SONORA_ASSIGN_OR_RETURN(q.text, RequiredQuery(req));
  SONORA_ASSIGN_OR_RETURN(q.kinds, ParseTypes(req));
  SONORA_ASSIGN_OR_RETURN(http::Page page, http::ParsePage(req));
  if (page.offset > kMaxOffset) {
    return Status::InvalidArgument("offset",
                                   "'offset' may be at most " + std::to_string(kMaxOffset));
  }
  q.limit = page.limit;
  q.offset = page.offset;
  if (auto g = req.QueryParam("genre")) {
    for (const auto& genre : Split(*g, ',', true)) {
      if (!Trim(genre).empty()) q.genres.emplace_back(Trim(genre));
    }
    if (q.genres.empty() || q.genres.size() > kMaxGenreFilters) {
      return Status::InvalidArgument(
          "genre", "'genre' takes 1 to " + std::to_string(kMaxGenreFilters) + " genres");
    }
  }
  std::optional<int64_t> y0, y1;
  SONORA_RETURN_IF_ERROR(ParseRange(req, "year", 9999, &y0, &y1));
  if (y0) q.year_min = static_cast<int>(*y0);
  if (y1) q.year_max = static_cast<int>(*y1);
  SONORA_RETURN_IF_ERROR(
      ParseRange(req, "duration_ms", 24LL * 3600 * 1000, &q.duration_min_ms, &q.duration_max_ms));
  if (auto e = req.QueryParam("explicit")) {
    if (*e == "true")
      q.explicit_content = true;
    else if (*e == "false")
      q.explicit_content = false;
    else
      return Status::InvalidArgument("explicit", "'explicit' must be true or false");
  }
  // Market: always the caller's country (issue 6), so unavailable tracks never appear.
  q.market = req.user().country;
  return q;
}

Json HighlightJson(const Hit& h) {
  Json j = Json::object();
  for (const auto& hl : h.highlights) j[hl.field] = hl.fragment;
  return j;
}

Json FacetJson(const std::vector<FacetCount>& v) {
  Json a = Json::array();
  for (const auto& f : v) a.push_back({{"value", f.value}, {"count", f.count}});
  return a;
}

std::string SectionName(DocKind k) { return std::string(KindName(k)) + "s"; }

}  // namespace

void AddSearchRoutes(http::Router& router, SearchService& service) {
  router.Add(
      Method::kGet, "/api/v1/search", "search:query",
      {.query = {"q", "type", "limit", "offset", "genre", "year", "duration_ms", "explicit"}},
      [&service](Request& req) -> Result<Response> {
        const auto start = std::chrono::steady_clock::now();
        SONORA_ASSIGN_OR_RETURN(SearchQuery q, ParseSearch(req));
        const std::string market = q.market;
        SONORA_ASSIGN_OR_RETURN(SearchPage page, service.Search(req.user().user_id, q));
        Json body = Json::object();
        for (DocKind k : q.kinds) body[SectionName(k)] = Json::array();
        for (const auto& m : page.tracks) {
          Json j = catalog::TrackJson(m.item, market);
          j["highlight"] = HighlightJson(m.hit);
          body["tracks"].push_back(std::move(j));
        }
        for (const auto& m : page.artists) {
          Json j = catalog::ArtistJson(m.item);
          j["highlight"] = HighlightJson(m.hit);
          body["artists"].push_back(std::move(j));
        }
        for (const auto& m : page.albums) {
          Json j = catalog::AlbumJson(m.item, market);
          j["highlight"] = HighlightJson(m.hit);
          body["albums"].push_back(std::move(j));
        }
        for (const auto& h : page.playlists) {
          auto j = ParseJsonObject(h.payload);
          if (!j.ok()) continue;
          (*j)["highlight"] = HighlightJson(h);
          body["playlists"].push_back(std::move(*j));
        }
        for (const auto& m : page.shows) {
          Json j = catalog::ShowJson(m.item, market);
          j["highlight"] = HighlightJson(m.hit);
          body["shows"].push_back(std::move(j));
        }
        for (const auto& m : page.episodes) {
          Json j = catalog::EpisodeJson(m.item, market);
          j["highlight"] = HighlightJson(m.hit);
          body["episodes"].push_back(std::move(j));
        }
        int64_t total = 0;
        Json totals = Json::object();
        for (const auto& [kind, kh] : page.results.kinds) {
          totals[SectionName(kind)] = kh.total;
          total += kh.total;
        }
        body["total_results"] = total;
        body["totals"] = std::move(totals);
        body["limit"] = q.limit;
        body["offset"] = q.offset;
        body["facets"] = {{"genres", FacetJson(page.results.facets.genres)},
                          {"artists", FacetJson(page.results.facets.artists)},
                          {"release_years", FacetJson(page.results.facets.release_years)},
                          {"estimated", page.results.facets.estimated}};
        body["search_time_ms"] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        return Response::Json(200, body);
      });

  router.Add(Method::kGet, "/api/v1/search/suggest", "search:suggest", {.query = {"q", "limit"}},
             [&service](Request& req) -> Result<Response> {
               SONORA_ASSIGN_OR_RETURN(std::string text, RequiredQuery(req));
               SONORA_ASSIGN_OR_RETURN(auto limit,
                                       http::QueryInt(req, "limit", 1, kMaxSuggestions));
               SONORA_ASSIGN_OR_RETURN(
                   auto suggestions,
                   service.Suggest(text, req.user().country,
                                   static_cast<size_t>(limit.value_or(kDefaultSuggestions))));
               Json items = Json::array();
               for (const auto& s : suggestions) {
                 items.push_back(
                     {{"text", s.text}, {"type", std::string(KindName(s.kind))}, {"id", s.id}});
               }
               return Response::Json(200, {{"suggestions", std::move(items)}});
             });
}

}  // namespace sonora::search
