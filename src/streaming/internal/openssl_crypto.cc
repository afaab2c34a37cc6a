// The OpenSSL adapter (STYLE.md rule 8): HMAC-SHA-256, HKDF-SHA-256, constant-time comparison and
// AES-128 (CBC with PKCS#7 for HLS segments, CTR for premium Ogg chunks). OpenSSL headers stop
// here; scripts/check-deps allows them only under src/streaming/internal/.
#include "streaming/internal/openssl_crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <memory>

#include "core/check.h"
#include "streaming/url_signer.h"

namespace sonora::streaming {
namespace internal {

namespace {
// A pointer OpenSSL accepts for a zero-length buffer (a default string_view's data() is null).
const unsigned char* Bytes(std::string_view s) {
  static constexpr unsigned char kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

namespace {

// OpenSSL 3's one-shot HMAC() fetches the digest and builds and keys a fresh context on every
// call; a signed chunk request spent more time there than in the MAC itself. Each thread keeps
// a few keyed contexts (the server uses a handful of fixed keys: URL keys and the HKDF salts
// and PRKs) and re-initialises one with its key for each MAC.
class KeyedMacs {
 public:
  ~KeyedMacs() {
    for (auto& e : entries_) EVP_MAC_CTX_free(e.ctx);
  }
  // The context for `key`, keyed and reset; nullptr when OpenSSL cannot provide one.
  EVP_MAC_CTX* For(std::string_view key) {
    for (auto& e : entries_) {
      if (e.ctx != nullptr && e.key == key) {
        return EVP_MAC_init(e.ctx, nullptr, 0, nullptr) == 1 ? e.ctx : nullptr;
      }
    }
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) return nullptr;
    Entry& e = entries_[next_++ % entries_.size()];
    EVP_MAC_CTX_free(e.ctx);
    e.ctx = EVP_MAC_CTX_new(mac);
    e.key.assign(key);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_END};
    if (e.ctx == nullptr || EVP_MAC_init(e.ctx, Bytes(key), key.size(), params) != 1) {
      EVP_MAC_CTX_free(e.ctx);
      e.ctx = nullptr;
      return nullptr;
    }
    return e.ctx;
  }

 private:
  struct Entry {
    std::string key;
    EVP_MAC_CTX* ctx = nullptr;
  };
  std::array<Entry, 8> entries_;
  size_t next_ = 0;
};

}  // namespace

std::string HmacSha256(std::string_view key, std::string_view data) {
  SONORA_CHECK(key.size() <= static_cast<size_t>(INT_MAX));
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  thread_local KeyedMacs macs;
  if (!key.empty()) {
    if (EVP_MAC_CTX* ctx = macs.For(key)) {
      size_t mac_len = 0;
      SONORA_CHECK(EVP_MAC_update(ctx, Bytes(data), data.size()) == 1);
      SONORA_CHECK(EVP_MAC_final(ctx, mac.data(), &mac_len, mac.size()) == 1);
      SONORA_CHECK(mac_len == kSha256Bytes);
      return std::string(reinterpret_cast<const char*>(mac.data()), mac_len);
    }
  }
  // An empty key (allowed by HMAC, unused by the server) or no cached context: the one-shot.
  unsigned int mac_len = 0;
  // Fails only when OpenSSL cannot allocate: nothing sensible to continue with.
  SONORA_CHECK(HMAC(EVP_sha256(), Bytes(key), static_cast<int>(key.size()), Bytes(data),
                    data.size(), mac.data(), &mac_len) != nullptr);
  SONORA_CHECK(mac_len == kSha256Bytes);
  return std::string(reinterpret_cast<const char*>(mac.data()), mac_len);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// RFC 5869 written out over HmacSha256: extract, then expand T(1) | T(2) | ... It avoids the
// EVP_PKEY_HKDF corner cases around empty keys and is checked against the RFC's test vectors.
std::string HkdfSha256(std::string_view ikm, std::string_view salt, std::string_view info,
                       size_t length) {
  SONORA_CHECK(length > 0 && length <= 255 * kSha256Bytes);
  // RFC 5869 §2.2: an absent salt is HashLen zero bytes.
  const std::string zero_salt(kSha256Bytes, '\0');
  const std::string prk = HmacSha256(salt.empty() ? std::string_view(zero_salt) : salt, ikm);
  std::string okm;
  okm.reserve(length + kSha256Bytes);
  std::string t;
  for (unsigned counter = 1; okm.size() < length; ++counter) {
    std::string block = t;
    block.append(info);
    block.push_back(static_cast<char>(counter));
    t = HmacSha256(prk, block);
    okm += t;
  }
  okm.resize(length);
  return okm;
}

}  // namespace internal

namespace {

constexpr size_t kAesKeyBytes = 16;
constexpr size_t kAesBlockBytes = 16;
// EVP takes int lengths: feed longer inputs in slices of this size.
constexpr size_t kMaxUpdateBytes = size_t{1} << 30;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

enum class Direction { kDecrypt = 0, kEncrypt = 1 };

Status CheckKeyAndIv(std::string_view key, std::string_view iv) {
  if (key.size() != kAesKeyBytes) return Status::InvalidArgument("key", "must be 16 bytes");
  if (iv.size() != kAesBlockBytes) return Status::InvalidArgument("iv", "must be 16 bytes");
  return Status();
}

// Runs `in` through `cipher` in one direction. A failing final step means bad PKCS#7 padding,
// which for CBC decryption is what a wrong key or corrupt data looks like.
Result<std::string> RunCipher(const EVP_CIPHER* cipher, Direction direction, bool pad,
                              std::string_view key, std::string_view iv, std::string_view in) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr) return Status::Internal("EVP_CIPHER_CTX_new failed");
  const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
  const auto* iv_bytes = reinterpret_cast<const unsigned char*>(iv.data());
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key_bytes, iv_bytes,
                        static_cast<int>(direction)) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), pad ? 1 : 0) != 1) {
    return Status::Internal("EVP_CipherInit_ex failed");
  }
  std::string out(in.size() + kAesBlockBytes, '\0');
  size_t written = 0;
  for (size_t pos = 0; pos < in.size();) {
    const size_t n = std::min(kMaxUpdateBytes, in.size() - pos);
    int out_len = 0;
    if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data() + written),
                         &out_len, reinterpret_cast<const unsigned char*>(in.data() + pos),
                         static_cast<int>(n)) != 1) {
      return Status::Internal("EVP_CipherUpdate failed");
    }
    written += static_cast<size_t>(out_len);
    pos += n;
  }
  int final_len = 0;
  if (EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data() + written),
                         &final_len) != 1) {
    if (direction == Direction::kDecrypt) {
      return Status::InvalidArgument("ciphertext", "bad padding (wrong key or corrupt data)");
    }
    return Status::Internal("EVP_CipherFinal_ex failed");
  }
  written += static_cast<size_t>(final_len);
  out.resize(written);
  return out;
}

}  // namespace

Result<std::string> Aes128CbcEncrypt(std::string_view key, std::string_view iv,
                                     std::string_view plaintext) {
  SONORA_RETURN_IF_ERROR(CheckKeyAndIv(key, iv));
  return RunCipher(EVP_aes_128_cbc(), Direction::kEncrypt, /*pad=*/true, key, iv, plaintext);
}

Result<std::string> Aes128CbcDecrypt(std::string_view key, std::string_view iv,
                                     std::string_view ciphertext) {
  SONORA_RETURN_IF_ERROR(CheckKeyAndIv(key, iv));
  if (ciphertext.empty() || ciphertext.size() % kAesBlockBytes != 0) {
    return Status::InvalidArgument("ciphertext", "must be a non-empty multiple of 16 bytes");
  }
  return RunCipher(EVP_aes_128_cbc(), Direction::kDecrypt, /*pad=*/true, key, iv, ciphertext);
}

Result<std::string> Aes128Ctr(std::string_view key, std::string_view counter_block,
                              std::string_view data) {
  SONORA_RETURN_IF_ERROR(CheckKeyAndIv(key, counter_block));
  if (data.empty()) return std::string();
  // EVP's CTR mode increments the whole 16-byte block as a big-endian integer.
  return RunCipher(EVP_aes_128_ctr(), Direction::kEncrypt, /*pad=*/false, key, counter_block,
                   data);
}

std::string HlsSequenceIv(uint64_t sequence) {
  // RFC 8216 §5.2: the media sequence number as a 128-bit big-endian integer.
  std::string iv(kAesBlockBytes, '\0');
  for (int i = 0; i < 8; ++i) {
    iv[static_cast<size_t>(8 + i)] = static_cast<char>((sequence >> (8 * (7 - i))) & 0xFF);
  }
  return iv;
}

}  // namespace sonora::streaming
