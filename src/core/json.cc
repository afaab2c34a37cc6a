#include "core/json.h"

#include <limits>

#include "core/strings.h"

namespace sonora {

namespace {
constexpr int kMaxDepth = 64;

// Rejects documents nested deeper than kMaxDepth before nlohmann's recursive parser sees them,
// so a "[[[[..." body cannot exhaust the stack.
bool DepthOk(std::string_view text) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string TypeError(std::string_view key, std::string_view want) {
  std::string m = "'";
  m += key;
  m += "' must be ";
  m += want;
  return m;
}
}  // namespace

Result<Json> ParseJson(std::string_view text) {
  if (!IsValidUtf8(text)) return Status::InvalidArgument("body", "body is not valid UTF-8");
  if (!DepthOk(text)) return Status::InvalidArgument("body", "JSON nested too deeply");
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("body", "body is not valid JSON");
  return j;
}

Result<Json> ParseJsonObject(std::string_view text) {
  SONORA_ASSIGN_OR_RETURN(Json j, ParseJson(text));
  if (!j.is_object()) return Status::InvalidArgument("body", "body must be a JSON object");
  return j;
}

std::string DumpJson(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

void AppendJsonString(std::string& out, std::string_view s) {
  if (!IsValidUtf8(s)) {
    out += DumpJson(Json(s));  // the serializer's replacement rules, in one place
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

Result<std::string> RequiredString(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null())
    return Status::InvalidArgument(std::string(key), "'" + std::string(key) + "' is required");
  if (!it->is_string())
    return Status::InvalidArgument(std::string(key), TypeError(key, "a string"));
  return it->get<std::string>();
}

Result<std::optional<std::string>> OptionalString(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string())
    return Status::InvalidArgument(std::string(key), TypeError(key, "a string"));
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<int64_t>> OptionalInt(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<int64_t>();
  // nlohmann keeps integers above INT64_MAX as unsigned; reading those as int64 would wrap.
  if (!it->is_number_integer() ||
      (it->is_number_unsigned() &&
       it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())))
    return Status::InvalidArgument(std::string(key), TypeError(key, "an integer"));
  return std::optional<int64_t>(it->get<int64_t>());
}

Result<std::optional<bool>> OptionalBool(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean())
    return Status::InvalidArgument(std::string(key), TypeError(key, "a boolean"));
  return std::optional<bool>(it->get<bool>());
}

}  // namespace sonora
