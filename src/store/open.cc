#include "store/database.h"
#include "store/postgres/postgres_database.h"
#include "store/sqlite/sqlite_database.h"

namespace sonora::store {

Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url, const OpenOptions& options) {
  if (url.starts_with("sqlite://")) {
    std::string_view path = url.substr(9);  // "sqlite:///abs" leaves "/abs"
    if (path.empty()) return Status::InvalidArgument("database", "sqlite URL has no path");
    return OpenSqlite(std::string(path), options);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPostgres(url, options);
  }
  return Status::InvalidArgument("database",
                                 "database URL must start with sqlite:// or postgresql://");
}

}  // namespace sonora::store
