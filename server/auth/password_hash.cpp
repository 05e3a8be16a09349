#include "server/auth/password_hash.h"

#include <argon2.h>

#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

#include "server/base/random.h"
#include "server/base/strings.h"

namespace auth {

namespace {

constexpr std::string_view kPrefix = "$argon2id$";

// Upper bounds accepted by VerifyPassword. They are far above any interactive
// setting (RFC 9106 §4 recommends at most 2 GiB only for offline use; its
// interactive choice is 64 MiB, t=3), and they keep a corrupted or hostile
// stored hash from making one login allocate gigabytes or spin for minutes.
constexpr uint32_t kMaxMemoryKiB = 256 * 1024;
constexpr uint32_t kMaxPasses = 16;
constexpr uint32_t kMaxLanes = 16;

// Parameters read from an encoded string; lengths are those of the base64
// (unpadded) salt and hash fields.
struct EncodedParams {
  std::optional<uint32_t> version;  // absent in pre-1.3 encodings
  uint32_t memory_kib = 0;
  uint32_t passes = 0;
  uint32_t lanes = 0;
  size_t salt_chars = 0;
  size_t hash_chars = 0;
};

constexpr size_t Base64UnpaddedLength(size_t bytes) { return (bytes * 4 + 2) / 3; }

std::optional<uint32_t> ParseUint32(std::string_view text) {
  std::optional<int64_t> value = base::ParseNonNegative(text);
  if (!value || *value > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(*value);
}

std::optional<uint32_t> ParseField(std::string_view field, std::string_view name) {
  if (field.size() <= name.size() || field.substr(0, name.size()) != name) return std::nullopt;
  return ParseUint32(field.substr(name.size()));
}

// Reads the fields argon2's own decoder expects, in its order:
// $argon2id[$v=<version>]$m=<m>,t=<t>,p=<p>$<salt>$<hash>. Only the shape is
// checked here; libargon2 validates the base64 and the values again.
std::optional<EncodedParams> ParseEncoded(std::string_view encoded) {
  if (encoded.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::vector<std::string_view> fields = base::Split(encoded.substr(kPrefix.size()), '$');
  EncodedParams params;
  size_t next = 0;
  if (fields.size() == 4) {
    params.version = ParseField(fields[next++], "v=");
    if (!params.version) return std::nullopt;
  } else if (fields.size() != 3) {
    return std::nullopt;
  }
  std::vector<std::string_view> costs = base::Split(fields[next++], ',');
  if (costs.size() != 3) return std::nullopt;
  std::optional<uint32_t> memory = ParseField(costs[0], "m=");
  std::optional<uint32_t> passes = ParseField(costs[1], "t=");
  std::optional<uint32_t> lanes = ParseField(costs[2], "p=");
  if (!memory || !passes || !lanes) return std::nullopt;
  params.memory_kib = *memory;
  params.passes = *passes;
  params.lanes = *lanes;
  params.salt_chars = fields[next++].size();
  params.hash_chars = fields[next++].size();
  if (params.salt_chars == 0 || params.hash_chars == 0) return std::nullopt;
  return params;
}

}  // namespace

std::string HashPassword(std::string_view password) {
  const std::string salt = base::RandomBytes(kArgon2SaltBytes);
  // argon2_encodedlen counts the terminating NUL.
  std::string encoded(argon2_encodedlen(kArgon2Passes, kArgon2MemoryKiB, kArgon2Lanes,
                                        kArgon2SaltBytes, kArgon2HashBytes, Argon2_id),
                      '\0');
  int rc = argon2id_hash_encoded(kArgon2Passes, kArgon2MemoryKiB, kArgon2Lanes, password.data(),
                                 password.size(), salt.data(), salt.size(), kArgon2HashBytes,
                                 encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    throw std::runtime_error(std::string("argon2id_hash_encoded: ") + argon2_error_message(rc));
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  // libargon2 reads a C string: an embedded NUL would silently truncate it.
  if (encoded.find('\0') != std::string_view::npos) return false;
  std::optional<EncodedParams> params = ParseEncoded(encoded);
  if (!params) return false;
  // libargon2 treats any version other than 0x10 as 0x13; only the two that
  // exist may verify.
  if (params->version && *params->version != static_cast<uint32_t>(ARGON2_VERSION_10) &&
      *params->version != static_cast<uint32_t>(ARGON2_VERSION_13)) {
    return false;
  }
  if (params->memory_kib > kMaxMemoryKiB || params->passes > kMaxPasses ||
      params->lanes > kMaxLanes) {
    return false;
  }
  const std::string terminated(encoded);
  return argon2id_verify(terminated.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool NeedsRehash(std::string_view encoded) {
  std::optional<EncodedParams> params = ParseEncoded(encoded);
  if (!params) return true;
  return params->version != static_cast<uint32_t>(ARGON2_VERSION_NUMBER) ||
         params->memory_kib != kArgon2MemoryKiB || params->passes != kArgon2Passes ||
         params->lanes != kArgon2Lanes ||
         params->salt_chars != Base64UnpaddedLength(kArgon2SaltBytes) ||
         params->hash_chars != Base64UnpaddedLength(kArgon2HashBytes);
}

}  // namespace auth
