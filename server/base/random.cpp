#include "server/base/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "server/base/strings.h"

namespace base {

std::string RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  size_t filled = 0;
  while (filled < count) {
    ssize_t got = getrandom(bytes.data() + filled, count - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::perror("getrandom");
      std::abort();
    }
    filled += static_cast<size_t>(got);
  }
  return bytes;
}

std::string RandomUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);
  std::string hex = HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string RandomPassword(size_t length) {
  // No 0/O, 1/l/I: the password is read off a terminal once.
  static const char kAlphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  constexpr size_t kSize = sizeof kAlphabet - 1;
  std::string out;
  while (out.size() < length) {
    for (unsigned char c : RandomBytes(length)) {
      // Rejection sampling keeps the distribution uniform.
      if (c >= 256 - 256 % kSize) continue;
      out += kAlphabet[c % kSize];
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace base
