// JSON helpers: parsing never throws (nlohmann's exceptions stop here) and typed field reads
// return Status errors that name the field, so every route rejects bad bodies the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace sonora {

using Json = nlohmann::json;

// Parses `text`; kInvalidArgument (field "body") on malformed JSON, invalid UTF-8, or nesting
// deeper than 64 levels.
Result<Json> ParseJson(std::string_view text);
// Parses and requires a top-level object.
Result<Json> ParseJsonObject(std::string_view text);

// Serializes; invalid UTF-8 in strings is replaced, never thrown.
std::string DumpJson(const Json& j);

// Appends `s` as a JSON string literal, exactly as DumpJson(Json(s)) writes it, without building
// a Json value: for responses assembled as text on hot paths.
void AppendJsonString(std::string& out, std::string_view s);

// Typed reads from an object. `Required*` fail with kInvalidArgument naming `key` when absent,
// null, or the wrong type; `Optional*` return nullopt when absent or null and fail on a wrong type.
Result<std::string> RequiredString(const Json& obj, std::string_view key);
Result<std::optional<std::string>> OptionalString(const Json& obj, std::string_view key);
Result<std::optional<int64_t>> OptionalInt(const Json& obj, std::string_view key);
Result<std::optional<bool>> OptionalBool(const Json& obj, std::string_view key);

}  // namespace sonora
