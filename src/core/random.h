// Cryptographically secure randomness from the kernel (getrandom(2)), for ids and tokens.
// Thread-safe; never blocks after boot-time entropy is available.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace sonora {

// Fills `out` with `size` random bytes. Aborts only if the kernel refuses (it cannot after boot).
void RandomBytes(void* out, size_t size);

// `length` characters from [0-9A-Za-z], uniformly distributed (rejection sampling).
std::string RandomBase62(size_t length);

// 32 random bytes, base64url without padding (43 characters): bearer tokens, secrets.
std::string RandomToken();

uint64_t RandomU64();

// Fast, non-cryptographic: a per-thread generator seeded once from the CSPRNG. For values that
// need to be unique but not secret (request ids, jitter). Never for tokens or ids of objects.
std::string FastRandomBase62(size_t length);

}  // namespace sonora
