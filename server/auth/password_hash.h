// Password hashing with Argon2id (RFC 9106), stored as the standard encoded
// string "$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>" (base64
// without padding), which carries its own parameters, so stored hashes stay
// verifiable after the current parameters change.
//
// Thread safety: all functions are thread-safe (no shared state).
// Cost: HashPassword and a successful or failed VerifyPassword each take the
// full Argon2 time and memory (~19 MiB with the current parameters); callers
// on the request path put the credential cache in front (credential_cache.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace auth {

// The OWASP Password Storage Cheat Sheet minimum for Argon2id:
// 19 MiB of memory, 2 passes, 1 lane.
inline constexpr uint32_t kArgon2MemoryKiB = 19456;
inline constexpr uint32_t kArgon2Passes = 2;
inline constexpr uint32_t kArgon2Lanes = 1;
inline constexpr size_t kArgon2SaltBytes = 16;
inline constexpr size_t kArgon2HashBytes = 32;

// Hashes `password` with a fresh random salt and the current parameters and
// returns the encoded string. Throws std::runtime_error only if libargon2
// fails (memory allocation); never for any password value, including "".
std::string HashPassword(std::string_view password);

// True when `password` matches `encoded` (comparison in constant time).
// False, never a crash or exception, when `encoded` is malformed, is not
// Argon2id (argon2i, argon2d, bcrypt, ...), contains a NUL byte, or names
// costs beyond sanity bounds (so a corrupt row cannot make a login allocate
// gigabytes).
bool VerifyPassword(std::string_view encoded, std::string_view password);

// True when `encoded` was not produced with the current algorithm, version,
// parameters, salt and hash lengths (including when it cannot be parsed), so
// the caller should store HashPassword(password) after a successful verify.
bool NeedsRehash(std::string_view encoded);

}  // namespace auth
