// Cryptographically secure randomness from the kernel (getrandom(2)).
#pragma once

#include <string>

namespace base {

// `count` random bytes. Thread-safe. Aborts the process if the kernel
// cannot supply randomness (there is no safe fallback).
std::string RandomBytes(size_t count);

// A random RFC 4122 version-4 UUID in lower-case text form.
std::string RandomUuid();

// A random password of `length` characters from an unambiguous alphabet.
std::string RandomPassword(size_t length);

}  // namespace base
