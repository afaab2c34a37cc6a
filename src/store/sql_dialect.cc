#include "store/sql_dialect.h"

namespace sonora::store {

std::string RewritePlaceholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out.push_back('$');
      out += std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  if (count) *count = n;
  return out;
}

std::string_view ForUpdate(Dialect d) { return d == Dialect::kPostgres ? " FOR UPDATE" : ""; }

std::string StringAgg(Dialect d, std::string_view expr, std::string_view sep) {
  std::string out = d == Dialect::kPostgres ? "string_agg(" : "group_concat(";
  out += expr;
  out += ", '";
  out += sep;
  out += "')";
  return out;
}

}  // namespace sonora::store
