#include "core/random.h"

#include <sys/random.h>

#include <cerrno>

#include "core/check.h"
#include "core/strings.h"

namespace sonora {

void RandomBytes(void* out, size_t size) {
  auto* p = static_cast<unsigned char*>(out);
  while (size > 0) {
    ssize_t n = getrandom(p, size, 0);
    if (n < 0) {
      SONORA_CHECK(errno == EINTR);  // any other failure means no CSPRNG: cannot continue
      continue;
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

std::string RandomBase62(size_t length) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(length);
  unsigned char buf[64];
  while (out.size() < length) {
    RandomBytes(buf, sizeof(buf));
    for (unsigned char b : buf) {
      if (b >= 248) continue;  // 248 = 62 * 4: reject to keep the distribution uniform
      out.push_back(kAlphabet[b % 62]);
      if (out.size() == length) break;
    }
  }
  return out;
}

std::string RandomToken() {
  unsigned char buf[32];
  RandomBytes(buf, sizeof(buf));
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(buf), sizeof(buf)));
}

std::string FastRandomBase62(size_t length) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  // splitmix64: tiny state, good enough statistical quality for unique-not-secret strings.
  // Each 64-bit draw gives 9 characters: 2^64 is 1,362 times 62^9, so no character's odds
  // are off by more than 1 in 1,362.
  thread_local uint64_t state = RandomU64();
  std::string out(length, '0');
  uint64_t z = 0;
  for (size_t i = 0; i < length; ++i) {
    if (i % 9 == 0) {
      z = (state += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      z ^= z >> 31;
    }
    out[i] = kAlphabet[z % 62];
    z /= 62;
  }
  return out;
}

uint64_t RandomU64() {
  uint64_t v;
  RandomBytes(&v, sizeof(v));
  return v;
}

}  // namespace sonora
