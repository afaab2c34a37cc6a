// Small string helpers shared by every module.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sonora {

// Splits on `sep`; empty pieces are kept unless `skip_empty`.
std::vector<std::string> Split(std::string_view s, char sep, bool skip_empty = false);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);

// Whole-string integer parse; nullopt on junk, overflow or empty input.
std::optional<int64_t> ParseInt(std::string_view s);

// Shortest text that reads back to the same double ("0.0001", "2.5", "1e+20").
std::string FormatDouble(double value);

std::string Base64UrlEncode(std::string_view bytes);
// Base64url without padding, canonical spelling only: a length that leaves a lone sixth of a
// byte (n % 4 == 1) and a last character whose unused low bits are not zero are refused, so
// each byte string has exactly one accepted spelling (decoding then re-encoding gives back the
// text). Signed URLs rely on that.
std::optional<std::string> Base64UrlDecode(std::string_view text);
// Whether Base64UrlDecode would accept `text`, without decoding it.
bool IsBase64Url(std::string_view text);
std::string HexEncode(std::string_view bytes);

// True if `s` is valid UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);
// The length of the valid UTF-8 sequence starting at byte `i` of `s` (i < s.size()), storing its
// code point in `*cp` when given; 0 for an invalid one (overlong, surrogate, truncated, above
// U+10FFFF, a stray continuation byte).
size_t DecodeUtf8(std::string_view s, size_t i, char32_t* cp = nullptr);
// The longest prefix of `s` of at most `max_bytes` bytes that does not end inside a multi-byte
// sequence.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes);

// Percent-decodes a URL component ('+' as space when `plus_as_space`); nullopt on bad escapes.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_as_space);
std::string PercentEncode(std::string_view s);

}  // namespace sonora
