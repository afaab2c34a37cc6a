// The streaming module's private crypto primitives: the only header over OpenSSL
// (openssl_crypto.cc, STYLE.md rule 8). No OpenSSL types appear here. The AES functions that
// other modules use are declared in streaming/url_signer.h and defined in the same adapter.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sonora::streaming::internal {

inline constexpr size_t kSha256Bytes = 32;

// HMAC-SHA-256 of `data` under `key` (any length, empty allowed): 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

// True when `a` and `b` are equal. Sizes are public; for equal sizes the time taken does not
// depend on where the bytes differ (CRYPTO_memcmp).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// HKDF-SHA-256 (RFC 5869): extract with `salt`, expand with `info` to `length` bytes.
// REQUIRES: 0 < length <= 255 * 32 (a programmer error otherwise: SONORA_CHECK).
std::string HkdfSha256(std::string_view ikm, std::string_view salt, std::string_view info,
                       size_t length);

}  // namespace sonora::streaming::internal
