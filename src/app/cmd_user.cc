#include <cstdio>

#include "app/commands.h"
#include "app/wiring.h"
#include "core/strings.h"
#include "core/time_format.h"

namespace sonora::app {

namespace {
int Fail(const Status& s) {
  std::fprintf(stderr, "sonora: %s\n", s.ToString().c_str());
  return 1;
}
}  // namespace

int RunUserCreate(const Config& config, const UserCreateOptions& o) {
  auto tier = auth::ParseTier(o.tier);
  if (!tier) return Fail(Status::InvalidArgument("tier", "tier must be free, premium, family or hifi"));
  auto app = App::Open(config);
  if (!app.ok()) return Fail(app.status());
  auth::RegisterRequest r{.email = o.email,
                          .username = o.username,
                          .password = o.password,
                          .display_name = o.display_name,
                          .country = ToUpper(o.country)};
  auto user = (*app)->auth().CreateUser(r, *tier, o.admin);
  if (!user.ok()) return Fail(user.status());
  std::printf("%s\n", user->user_id.c_str());
  return 0;
}

int RunUserSetTier(const Config& config, const std::string& name, const std::string& tier_name) {
  auto tier = auth::ParseTier(tier_name);
  if (!tier) return Fail(Status::InvalidArgument("tier", "tier must be free, premium, family or hifi"));
  auto app = App::Open(config);
  if (!app.ok()) return Fail(app.status());
  auto& svc = (*app)->auth();
  auto user = svc.GetUser(name);
  if (!user.ok()) user = svc.FindByName(name);
  if (!user.ok()) return Fail(Status::NotFound("no user with id, username or email '" + name + "'"));
  auto updated = svc.SetTier(user->user_id, *tier);
  if (!updated.ok()) return Fail(updated.status());
  std::printf("%s %s\n", updated->user_id.c_str(), std::string(auth::TierName(updated->tier)).c_str());
  return 0;
}

int RunUserList(const Config& config) {
  auto app = App::Open(config);
  if (!app.ok()) return Fail(app.status());
  std::printf("%-30s %-20s %-8s %-8s %-5s %s\n", "USER_ID", "USERNAME", "TIER", "COUNTRY",
              "ADMIN", "CREATED");
  int64_t offset = 0;
  while (true) {
    auto users = (*app)->auth().ListUsers(500, offset);
    if (!users.ok()) return Fail(users.status());
    for (const auto& u : *users) {
      std::printf("%-30s %-20s %-8s %-8s %-5s %s\n", u.user_id.c_str(), u.username.c_str(),
                  std::string(auth::TierName(u.tier)).c_str(), u.country.c_str(),
                  u.is_admin ? "yes" : "no", FormatIso8601Millis(u.created_at_ms).c_str());
    }
    if (users->size() < 500) break;
    offset += 500;
  }
  return 0;
}

}  // namespace sonora::app
