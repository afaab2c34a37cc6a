// Password hashing and keyed token hashing: the only header over libsodium (sodium_crypto.cc).
//
// Passwords: argon2id with at least OWASP's m = 19 MiB, t = 2, p = 1, stored as a PHC string
// carrying its parameters, so a later parameter change re-hashes on the next login.
// Tokens: stored only as keyed BLAKE2b-256 of the token under a server secret (the pepper), so
// a leaked database yields no usable token.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace sonora::auth {

// Must be called once before any other function here (idempotent, thread-safe).
void InitCrypto();

// PHC string "$argon2id$v=19$m=19456,t=2,p=1$...". kInternal when memory cannot be allocated.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view phc, std::string_view password);
bool PasswordNeedsRehash(std::string_view phc);
// Spends the same time as a real verification; used for unknown accounts so response timing
// doesn't reveal whether an account exists.
void BurnPasswordVerification(std::string_view password);

// Hex of keyed BLAKE2b-256 of `token` under `key` (32 bytes).
std::string HashToken(std::string_view key, std::string_view token);

// Reads a 32-byte secret from `path`, creating it (mode 0600) from the CSPRNG when missing.
// Fails closed: kFailedPrecondition when the file exists with the wrong size or is readable by
// group/others; kUnavailable when it cannot be read or written.
Result<std::string> LoadOrCreateKey(const std::string& path);

}  // namespace sonora::auth
