#include "security/secret_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include "common/strings.h"
#include "security/crypto.h"

namespace creditd::security {

Result<std::string> LoadOrCreateSecretFile(const std::string& path) {
  const auto failure = [&](const std::string& what) {
    return Status(reason::kConfigInvalid, "secret file " + path + ": " + what);
  };
  // O_EXCL makes creation atomic: two processes starting together agree on one secret.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    const std::string secret = Base64UrlEncode(RandomBytes(48)) + "\n";
    const bool written =
        ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
        ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
      return failure("cannot write");
    }
  } else if (errno != EEXIST) {
    return failure(std::strerror(errno));  // NOLINT(concurrency-mt-unsafe): start-up only.
  }
  std::ifstream in(path);
  if (!in) {
    return failure("cannot read");
  }
  std::stringstream content;
  content << in.rdbuf();
  const std::string secret(TrimAscii(content.str()));
  if (secret.size() < 32) {
    return failure("must hold at least 32 characters");
  }
  return secret;
}

}  // namespace creditd::security
