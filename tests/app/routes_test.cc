// The route table: docs/api/routes.md equals the router's own list (STYLE rule 15), and every
// admin path sits behind the admin policy (SECURITY.md: function-level authorization).
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "app/wiring.h"
#include "support/temp_dir.h"

namespace sonora::app {
namespace {

std::unique_ptr<App> OpenApp(const testing::TempDir& dir) {
  Config c;
  c.data_dir = dir.path() + "/data";
  auto app = App::Open(c);
  EXPECT_TRUE(app.ok()) << app.status().ToString();
  return app.ok() ? std::move(*app) : nullptr;
}

TEST(RoutesTest, GoldenRoutesMarkdownMatchesRouter) {
  testing::TempDir dir;
  auto app = OpenApp(dir);
  ASSERT_NE(app, nullptr);
  const std::string expected = http::RoutesMarkdown(app->BuildRouter().Routes());
  const std::string path = std::string(SONORA_SOURCE_DIR) + "/docs/api/routes.md";
  if (std::getenv("SONORA_UPDATE_GOLDEN")) std::ofstream(path) << expected;
  std::ifstream in(path);
  std::stringstream actual;
  actual << in.rdbuf();
  EXPECT_EQ(actual.str(), expected)
      << "docs/api/routes.md is out of date; replace it with:\n" << expected;
}

TEST(RoutesTest, EveryAdminPathRequiresAdmin) {
  testing::TempDir dir;
  auto app = OpenApp(dir);
  ASSERT_NE(app, nullptr);
  int admin_routes = 0;
  for (const auto& r : app->BuildRouter().Routes()) {
    const bool admin_path = r.pattern.starts_with("/api/v1/admin/");
    EXPECT_EQ(admin_path, r.auth == http::AuthPolicy::kAdmin) << r.pattern;
    admin_routes += admin_path;
  }
  EXPECT_GT(admin_routes, 0);
}

TEST(RoutesTest, ActionsAreUniqueAndNamedResourceVerb) {
  testing::TempDir dir;
  auto app = OpenApp(dir);
  ASSERT_NE(app, nullptr);
  std::set<std::string> seen;
  for (const auto& r : app->BuildRouter().Routes()) {
    EXPECT_TRUE(seen.insert(r.action).second) << "duplicate action " << r.action;
    EXPECT_NE(r.action.find(':'), std::string::npos) << r.action;
  }
}

}  // namespace
}  // namespace sonora::app
